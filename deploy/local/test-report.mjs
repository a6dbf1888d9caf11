// What `npm test` prints last when tests failed: a CI log is often kept as its head and tail only,
// so the failures and what the apps logged about them are summed up where the tail keeps them.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { APPS } from './apps.mjs';

const WIDTH = 220;
const clip = (text, width = WIDTH) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);
/**
 * What a Jest failure message says, on one line: its first line, with the expected and received
 * values of a failed `expect` (colour codes and the stack dropped).
 */
function firstLine(message) {
  const lines = message.replace(/\u001b\[[0-9;]*m/g, '').split('\n').map((line) => line.trim()).filter(Boolean);
  if (!/^(Error: )?expect\(/.test(lines[0] ?? '')) return lines[0] ?? '';
  return [lines[0], ...lines.slice(1).filter((line) => /^(Expected|Received)/.test(line)).slice(0, 2)].join(' | ');
}

/** One line per failing suite: how many of its tests failed, and the first line of its first failure. */
export function failedSuites(results, root) {
  const lines = [];
  for (const suite of results.testResults ?? []) {
    const failed = (suite.assertionResults ?? []).filter((test) => test.status === 'failed');
    const name = relative(root, suite.name);
    if (failed.length === 0 && suite.status === 'failed') lines.push(clip(`✖ ${name}: did not run: ${firstLine(suite.message ?? '')}`));
    if (failed.length === 0) continue;
    const reasons = new Set(failed.map((test) => firstLine(test.failureMessages?.[0] ?? '')));
    const more = reasons.size > 1 ? ` (+${reasons.size - 1} other reasons)` : '';
    lines.push(clip(`✖ ${name}: ${failed.length} of ${suite.assertionResults.length} failed: ${[...reasons][0]}${more}`));
  }
  return lines;
}

/** One line per app of the e2e run: its errors by message with the first one's cause, and how many warnings it logged. */
export function appLogSummary(runDir) {
  const lines = [];
  for (const app of Object.keys(APPS)) {
    const file = join(runDir, `${app}.log`);
    if (!existsSync(file)) continue;
    const errors = new Map();
    let warnings = 0;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.startsWith('{')) continue;
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        continue;
      }
      if (entry.level === 40) warnings += 1;
      if (entry.level < 50) continue;
      // The first error logged under each message names its cause: a message alone ("consumer
      // crashed") does not say which of several errors it was.
      // kafkajs' own lines carry their error as a string, with their other fields (libs/kafka/src/kafka-log.ts).
      const cause = entry.err ? `${entry.err.type}: ${entry.err.message}` : typeof entry.kafkajs?.error === 'string' ? entry.kafkajs.error : '';
      const seen = errors.get(entry.msg) ?? { count: 0, cause: cause.slice(0, 100) };
      seen.count += 1;
      errors.set(entry.msg, seen);
    }
    const top = [...errors]
      .sort((a, b) => b[1].count - a[1].count)
      .slice(0, 3)
      .map(([msg, { count, cause }]) => `"${msg}" ×${count}${cause ? ` [first: ${cause}]` : ''}`);
    const total = [...errors.values()].reduce((sum, { count }) => sum + count, 0);
    // Up to three messages, each with its cause: wider than a suite's line.
    lines.push(clip(`  ${app}: ${total} errors${top.length ? ` (${top.join(', ')})` : ''}, ${warnings} warnings`, 3 * WIDTH));
  }
  return lines;
}

/** The newest e2e run directory under `.run`, if any. */
export function newestE2eRun(root) {
  const dir = join(root, '.run');
  if (!existsSync(dir)) return null;
  const runs = readdirSync(dir)
    .filter((name) => name.startsWith('test-'))
    .map((name) => join(dir, name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return runs[0] ?? null;
}

/** The summary printed after a run with failures (nothing when every test passed). */
export function failureReport(results, root) {
  if (!results.numFailedTests && !results.numRuntimeErrorTestSuites) return '';
  const lines = ['', '▶ what failed, suite by suite', ...failedSuites(results, root)];
  const runDir = newestE2eRun(root);
  if (runDir) lines.push(`▶ the apps' logs (${relative(root, runDir)})`, ...appLogSummary(runDir));
  lines.push(`▶ load average at the end: ${loadavg().map((load) => load.toFixed(2)).join(' ')}`);
  return `${lines.join('\n')}\n`;
}
