// `npm test`: installs and builds what is needed, checks module boundaries, then runs every Jest
// suite (unit, then end to end against real Kafka, MongoDB, Redis and S3 storage that the suite provisions).
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, build, ensureDependencies, sh, step } from './project.mjs';
import { failureReport } from './test-report.mjs';

// A test run must leave tracked files as it found them (a rewritten lockfile, a regenerated file):
// what is changed before the run is remembered so that only the run's own changes fail it.
const trackedChanges = () => {
  const diff = spawnSync('git', ['diff', 'HEAD'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return diff.status === 0 ? diff.stdout : null;
};
const changedBefore = trackedChanges();

ensureDependencies();
await build();
// The build compiles apps and libs; this also compiles the tests, so a broken test fails here, named.
step('type-checking apps, libs and tests (tsc)');
sh('npm', ['run', '--silent', 'typecheck']);
step('checking module boundaries (dependency-cruiser)');
sh('npm', ['run', '--silent', 'check:boundaries']);

step('running the test suites (jest)');
const report = join(ROOT, '.run', 'jest-report.json');
rmSync(report, { force: true });
const jest = spawnSync(
  process.execPath,
  ['node_modules/jest/bin/jest.js', '--runInBand', '--json', `--outputFile=${report}`, ...process.argv.slice(2)],
  { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: '--experimental-vm-modules --no-warnings' } },
);
try {
  const results = JSON.parse(readFileSync(report, 'utf8'));
  process.stdout.write(failureReport(results, ROOT));
  // A closing line any CI can read, whatever the runner prints above it.
  process.stdout.write(`\njest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped\n`);
} catch {
  process.stdout.write('\njest: no report written\n');
}
const changedAfter = trackedChanges();
if (changedBefore !== null && changedAfter !== changedBefore) {
  process.stderr.write(`\n✖ the run changed tracked files:\n${spawnSync('git', ['diff', 'HEAD', '--stat'], { cwd: ROOT, encoding: 'utf8' }).stdout}\n`);
  process.exit(1);
}
process.exit(jest.status ?? 1);
