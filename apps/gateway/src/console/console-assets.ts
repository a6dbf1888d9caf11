import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

/** One file of the console, as it is sent. */
export interface ConsoleAsset {
  body: Buffer;
  contentType: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.ico': 'image/x-icon',
  '.svg': 'image/svg+xml',
};

/** The Socket.IO client's ES module build, as the page imports it. */
export const SOCKET_IO_CLIENT = 'vendor/socket.io.esm.min.js';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Where the page's files are. tsc compiles TypeScript only, so after `npm run build` they are not
 * in dist/ but in the source tree beside it; a deployment that copies them beside the compiled
 * module (dist/apps/gateway/src/console/public) is looked at first.
 */
function publicDirectory(): string | null {
  const besideModule = join(here, 'public');
  const inSourceTree = resolve(here, '..', '..', '..', '..', '..', 'apps', 'gateway', 'src', 'console', 'public');
  return [besideModule, inSourceTree].find((directory) => existsSync(join(directory, 'index.html'))) ?? null;
}

/**
 * The Socket.IO client bundle from node_modules: socket.io-client's own, else the copy the socket.io
 * server package ships (a production install keeps only dependencies, and socket.io-client is a
 * development one). Both are the same client; the page needs no CDN either way.
 */
function socketIoClientFiles(): { module: string; sourceMap: string } | null {
  const require = createRequire(import.meta.url);
  const candidates: [string, string][] = [
    ['socket.io-client/package.json', 'dist'],
    ['socket.io/package.json', 'client-dist'],
  ];
  for (const [manifest, folder] of candidates) {
    let packageDirectory: string;
    try {
      packageDirectory = dirname(require.resolve(manifest));
    } catch {
      continue;
    }
    const module = join(packageDirectory, folder, 'socket.io.esm.min.js');
    if (existsSync(module)) return { module, sourceMap: `${module}.map` };
  }
  return null;
}

/**
 * The console's files (HTML, CSS, ES modules, favicon) and the Socket.IO client, read once at
 * start: a few dozen kilobytes, served from memory with an ETag so a reload revalidates cheaply.
 */
@Injectable()
export class ConsoleAssets {
  private readonly files = new Map<string, ConsoleAsset>();
  /** Why the console cannot be served, when it cannot; null when it can. */
  readonly missing: string | null;

  constructor(@InjectPinoLogger(ConsoleAssets.name) logger: PinoLogger) {
    const directory = publicDirectory();
    const socketIo = socketIoClientFiles();
    if (directory) {
      for (const name of readdirSync(directory)) {
        const path = join(directory, name);
        const contentType = CONTENT_TYPES[extname(name)];
        if (contentType && statSync(path).isFile()) this.files.set(name, { body: readFileSync(path), contentType });
      }
    }
    if (socketIo) {
      this.files.set(SOCKET_IO_CLIENT, { body: readFileSync(socketIo.module), contentType: CONTENT_TYPES['.js'] });
      if (existsSync(socketIo.sourceMap)) this.files.set(`${SOCKET_IO_CLIENT}.map`, { body: readFileSync(socketIo.sourceMap), contentType: CONTENT_TYPES['.map'] });
    }
    this.missing = !directory
      ? "the console's files (apps/gateway/src/console/public) are not beside this gateway"
      : !socketIo
        ? 'the Socket.IO client (socket.io-client or socket.io in node_modules) is not installed'
        : null;
    if (this.missing) logger.warn(`The console at / is off: ${this.missing}`);
  }

  /** A file by its name under the console (`index.html`, `vendor/socket.io.esm.min.js`); null if there is none. */
  get(name: string): ConsoleAsset | null {
    if (this.missing) return null;
    return this.files.get(name) ?? null;
  }
}
