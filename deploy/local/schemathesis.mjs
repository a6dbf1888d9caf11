// schemathesis, the contract tester the e2e suite runs against the gateway's OpenAPI document
// (test/contract.e2e-spec.ts). Installed once from PyPI with pip into the download cache, like the
// mongod and Node wheels: into a directory of its own (pip --target), never into the machine's
// Python, and pinned, so every run and every clone tests with the same checks.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ProvisioningError, cacheOnce, defaultCacheDir, run } from './infrastructure.mjs';

export const SCHEMATHESIS_VERSION = '4.32.5';
const PIP_HINT = 'install Python 3 with pip (apt-get install python3-pip)';

/**
 * Where schemathesis is installed, and how to run it: `python -m schemathesis.cli` with the
 * install directory on PYTHONPATH. The directory is per Python version too, as some of its
 * dependencies are compiled for one. Installs it on first use (about 10 s, 30 MB).
 */
export async function ensureSchemathesis({ cacheDir = defaultCacheDir(), log = (line) => process.stderr.write(`[schemathesis] ${line}\n`), python = process.env.PYTHON || 'python3' } = {}) {
  const pythonVersion = (await run(python, ['-c', 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")'], { hint: PIP_HINT })).trim();
  const home = await cacheOnce(join(cacheDir, `schemathesis-${SCHEMATHESIS_VERSION}-py${pythonVersion}`), async (dir) => {
    log(`installing schemathesis ${SCHEMATHESIS_VERSION} from PyPI into ${dir} (first run only)…`);
    await run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input', '--target', dir, `schemathesis==${SCHEMATHESIS_VERSION}`], { hint: PIP_HINT }).catch((error) => {
      throw error.message.includes('No module named pip') ? new ProvisioningError(`pip not found: ${PIP_HINT}`) : error;
    });
    if (!existsSync(join(dir, 'schemathesis', 'cli'))) throw new ProvisioningError(`pip did not install schemathesis into ${dir}`);
  });
  return {
    version: SCHEMATHESIS_VERSION,
    command: python,
    args: ['-m', 'schemathesis.cli'],
    env: { PYTHONPATH: home },
  };
}
