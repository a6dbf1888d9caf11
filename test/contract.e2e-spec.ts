import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { Scopes } from '@parley/contracts';
import { newAccountId, newUser, readState, runToEnd } from '@parley/testing';
import { ensureSchemathesis } from '../deploy/local/schemathesis.mjs';

/** The repository: schemathesis runs there, where its settings name the hooks file. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The test's own limit; schemathesis is stopped a little before it, so its output is kept. Generous: on a
 * day this machine ran ten times slower than usual, schemathesis alone took over five minutes.
 */
const TIMEOUT_MS = 12 * 60_000;

describe('the OpenAPI document is a contract the gateway keeps', () => {
  it(
    'passes schemathesis with every check on, the stateful phase included: 0 failures',
    async () => {
      const { env, runDir } = readState();
      const schemathesis = await ensureSchemathesis();
      // One caller with every scope, of an account of its own: each operation is reached past its
      // scope check, and links chain what it creates (rooms, messages, inboxes, threads). The
      // webhooks take no token: they check their provider's signature, and forged ones are a 403.
      const caller = newUser(newAccountId(), Object.values(Scopes));
      const { code, output } = await runToEnd(
        schemathesis.command,
        [
          ...schemathesis.args,
          // How many cases, the phases' settings and the two widened lists of expected statuses
          // (each with its reason) are in the file.
          '--config-file', 'test/contract/schemathesis.toml',
          'run', `${env.GATEWAY_URL}/swagger/json`,
          '--checks', 'all',
          '--header', `Authorization: Bearer ${caller.token}`,
          '--workers', '2',
          '--no-color',
        ],
        { cwd: ROOT, env: schemathesis.env, timeoutMs: TIMEOUT_MS - 20_000 },
      );
      writeFileSync(join(runDir, 'schemathesis.log'), output);
      // Its last line sums the run up: "N failures, M errors, K warnings in T s" or "K warnings in T s".
      const summary = output.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || /failure|error/.test(summary)) {
        throw new Error(`schemathesis ${schemathesis.version} did not pass (exit ${code}; its output is also in ${runDir}/schemathesis.log):\n${output}`);
      }
      expect(Number(/(\d+) generated/.exec(output)?.[1] ?? 0)).toBeGreaterThan(1000);
    },
    TIMEOUT_MS,
  );
});
