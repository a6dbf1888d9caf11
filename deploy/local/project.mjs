// Steps shared by `npm start`, `npm test` and `npm run bench`: install what the lockfile pins, build.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Prints a progress line of a long-running command. */
export function step(message) {
  process.stderr.write(`\n▶ ${message}\n`);
}

/** Runs a command in the repository with its output shown; exits with its code when it fails. */
export function sh(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    process.stderr.write(`✖ ${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})\n`);
    process.exit(result.status ?? 1);
  }
}

/** Installs dependencies from the lockfile when node_modules is missing or older than the lockfile. */
export function ensureDependencies() {
  const installed = join(ROOT, 'node_modules', '.package-lock.json');
  const lock = join(ROOT, 'package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;
  step('installing dependencies (npm ci)');
  // The committed lockfile is complete (every platform's optional packages), so npm ci alone installs it.
  const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit' });
  if (ci.status !== 0) {
    process.stderr.write(`✖ npm ci failed (exit ${ci.status ?? ci.signal}); see npm's errors above\n`);
    process.exit(ci.status ?? 1);
  }
}

/**
 * Compiles every app and library to dist/ (incremental after the first build). Asynchronous, so
 * `npm start` boots the servers meanwhile; exits the process, with tsc's errors shown, on failure.
 */
export function build() {
  step('building (tsc)');
  return new Promise((resolveBuild) => {
    const child = spawn('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
    child.once('exit', (code, signal) => {
      if (code === 0) return resolveBuild();
      process.stderr.write(`✖ npm run build failed (exit ${code ?? signal})\n`);
      process.exit(code ?? 1);
    });
  });
}
