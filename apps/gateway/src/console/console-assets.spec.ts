import { describe, expect, it } from '@jest/globals';
import type { PinoLogger } from 'nestjs-pino';
import { ConsoleAssets, SOCKET_IO_CLIENT } from './console-assets.js';

const warnings: string[] = [];
const logger = { warn: (message: string) => warnings.push(message) } as unknown as PinoLogger;

describe('the console files', () => {
  const assets = new ConsoleAssets(logger);

  it('are all found, with the Socket.IO client from node_modules, and nothing is missing', () => {
    expect(assets.missing).toBeNull();
    expect(warnings).toEqual([]);
    for (const name of ['index.html', 'console.css', 'console.js', 'api.js', 'live.js', 'room-list.js', 'room-view.js', 'keyed-list.js', 'favicon.ico']) {
      expect(assets.get(name)).not.toBeNull();
    }
    const client = assets.get(SOCKET_IO_CLIENT);
    expect(client?.contentType).toBe('text/javascript; charset=utf-8');
    expect(client?.body.toString('utf8')).toContain('export');
  });

  it('are sent with the type a browser needs (ES modules must be JavaScript)', () => {
    expect(assets.get('index.html')?.contentType).toBe('text/html; charset=utf-8');
    expect(assets.get('console.js')?.contentType).toBe('text/javascript; charset=utf-8');
    expect(assets.get('console.css')?.contentType).toBe('text/css; charset=utf-8');
    expect(assets.get('favicon.ico')?.contentType).toBe('image/x-icon');
  });

  it('are looked up by name only: a path out of the folder is no file', () => {
    expect(assets.get('../console.controller.ts')).toBeNull();
    expect(assets.get('../../gateway.config.ts')).toBeNull();
    expect(assets.get('vendor/../index.html')).toBeNull();
  });

  it('every module the page imports is one the gateway serves', () => {
    const served = (path: string) => assets.get(path.replace(/^(\/console\/|\.\/|\/)/, '')) !== null;
    for (const name of ['console.js', 'api.js', 'live.js', 'room-list.js', 'room-view.js', 'keyed-list.js']) {
      const source = assets.get(name)?.body.toString('utf8') ?? '';
      for (const [, imported] of source.matchAll(/^import .* from '([^']+)';$/gm)) expect({ from: name, imported, served: served(imported) }).toEqual({ from: name, imported, served: true });
    }
    const page = assets.get('index.html')?.body.toString('utf8') ?? '';
    for (const [, linked] of page.matchAll(/(?:src|href)="(\/console\/[^"]+|\/favicon\.ico)"/g)) {
      expect({ linked, served: served(linked) }).toEqual({ linked, served: true });
    }
  });
});
