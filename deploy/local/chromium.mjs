// Debian's Chromium, for the tests that drive the console in a real browser (playwright-core talks
// to it; it downloads no browser of its own). Installed on first use, as redis-server is.
import { existsSync } from 'node:fs';
import { ProvisioningError, run } from './infrastructure.mjs';

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_MISSING = `${CHROMIUM_PATH} not found: install Debian's chromium package (sudo apt-get install chromium)`;

/** Whether the browser is installed and starts (a half-installed package fails --version). */
const hasChromium = () => existsSync(CHROMIUM_PATH) && run(CHROMIUM_PATH, ['--version']).then(() => true, () => false);

/**
 * Finds Chromium, installing Debian's package when it is missing and we may (root); returns its
 * path. The first install downloads a few hundred MB and takes a minute or more: progress lines say so.
 */
export async function ensureChromium({ log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  if (await hasChromium()) return CHROMIUM_PATH;
  if (process.getuid?.() !== 0) throw new ProvisioningError(CHROMIUM_MISSING);
  log('chromium: installing Debian\'s chromium package with apt-get (first run only)…');
  // apt's own progress goes to our stderr, as for redis-server. Another apt-get (an install of
  // redis-server by a parallel run) holds dpkg's lock for a while: wait for it rather than fail.
  const options = { stdio: ['ignore', 2, 2], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, tied: false };
  const steps = [
    ['updating the package lists', ['-o', 'DPkg::Lock::Timeout=300', 'update']],
    ['installing chromium', ['-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '--no-install-recommends', 'chromium']],
  ];
  for (const [description, args] of steps) {
    log(`chromium: ${description} (apt-get ${args.slice(2).join(' ')})…`);
    const began = Date.now();
    await run('apt-get', args, options).catch((error) => {
      throw new ProvisioningError(`${error.message.split('\n')[0]}; ${CHROMIUM_MISSING}`);
    });
    log(`chromium: ${description} done in ${((Date.now() - began) / 1000).toFixed(0)} s`);
  }
  if (!(await hasChromium())) throw new ProvisioningError(CHROMIUM_MISSING);
  log(`chromium: installed at ${CHROMIUM_PATH}`);
  return CHROMIUM_PATH;
}
