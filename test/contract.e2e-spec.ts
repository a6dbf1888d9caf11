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
 * The fuzzing run is bounded by a count: one round of `max-examples` cases per operation (the
 * settings file), however long the day makes it, so every operation is fuzzed. Under `--max-time`
 * it drew cases until its time was spent, and on a slow day that ended with 57 of 69 operations
 * reached. The coverage and stateful runs are bounded by the clock, each with its own share of
 * CONTRACT_SECONDS (coverage 60%, stateful 40%) so that one cannot spend another's: on a normal day
 * coverage's 3,300 cases take under a minute, on a day ten times slower it took 454 s and had
 * reached 40 of 69 operations in 240 s.
 */
const BUDGET_SECONDS = Number(process.env.CONTRACT_SECONDS || 200);
const STATEFUL_SECONDS = Math.max(30, Math.round(BUDGET_SECONDS * 0.4));
const COVERAGE_SECONDS = Math.max(30, BUDGET_SECONDS - STATEFUL_SECONDS);
/** How long the count-bounded run may take before it counts as hung (it took 141 s and 267 s on two slow days). */
const FUZZING_LIMIT_SECONDS = 600;

/** Each test's own limit: its run's limit, a start of schemathesis (10-20 s on a slow day) and room for its last operations. */
const TIMEOUT_MS = (FUZZING_LIMIT_SECONDS + 200) * 1000;

/**
 * One schemathesis run of `phases`, bounded by `seconds` of drawing cases or, when that is null, by
 * its settings' counts (and stopped as hung after FUZZING_LIMIT_SECONDS); throws with its output
 * unless it passed.
 */
async function schemathesisRun(name: string, phases: string, seconds: number | null): Promise<string> {
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
      // The phases' settings, the request timeout and the two widened lists of expected statuses
      // (each with its reason) are in the file.
      '--config-file', 'test/contract/schemathesis.toml',
      'run', `${env.GATEWAY_URL}/swagger/json`,
      '--checks', 'all',
      '--phases', phases,
      ...(seconds === null ? [] : ['--max-time', String(seconds)]),
      '--header', `Authorization: Bearer ${caller.token}`,
      '--workers', '2',
      '--no-color',
    ],
    { cwd: ROOT, env: schemathesis.env, timeoutMs: ((seconds ?? FUZZING_LIMIT_SECONDS) + 140) * 1000 },
  );
  const log = join(runDir, `schemathesis-${name}.log`);
  writeFileSync(log, output);
  // Its last line sums the run up: "N failures, M errors, K warnings in T s", "K warnings in T s"
  // or "No issues found in T s".
  const summary = output.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || /failure|error/.test(summary)) {
    throw new Error(`schemathesis ${schemathesis.version} (${phases}) did not pass (exit ${code}; its output is also in ${log}):\n${output}`);
  }
  return output;
}

const count = (output: string, pattern: RegExp): number => Number(pattern.exec(output)?.[1] ?? 0);

describe('the OpenAPI document is a contract the gateway keeps', () => {
  it(
    'passes schemathesis with every check on, every operation through examples and fuzzing: 0 failures',
    async () => {
      const output = await schemathesisRun('fuzzing', 'examples,fuzzing', null);
      const operations = count(output, /Selected: (\d+)\/\d+/);
      expect(operations).toBeGreaterThan(60);
      expect(count(output, /Tested: (\d+)/)).toBe(operations);
      expect(output).toMatch(/✅ Fuzzing/);
      expect(count(output, /(\d+) generated/)).toBeGreaterThan(operations);
    },
    TIMEOUT_MS,
  );

  it(
    'passes the coverage phase (boundary and invalid values) for as many operations as its time allows: 0 failures',
    async () => {
      const output = await schemathesisRun('coverage', 'coverage', COVERAGE_SECONDS);
      expect(output).toMatch(/✅ Coverage/);
      expect(count(output, /Tested: (\d+)/)).toBeGreaterThan(0);
    },
    TIMEOUT_MS,
  );

  it(
    'passes the stateful phase: chains along the document\'s links, 0 failures',
    async () => {
      const output = await schemathesisRun('stateful', 'stateful', STATEFUL_SECONDS);
      expect(output).toMatch(/✅ Stateful/);
      expect(count(output, /Scenarios:\s+(\d+)/)).toBeGreaterThan(0);
      // How many of the 104 links its time reaches depends on the day's speed (47 on a normal day,
      // 7 on one ten times slower); that chains follow them at all does not.
      expect(count(output, /API Links:\s+(\d+) covered/)).toBeGreaterThan(0);
    },
    TIMEOUT_MS,
  );
});
