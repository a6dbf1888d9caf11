// Stops every app process of the run (restarted ones included), then the servers. Logs stay in the
// run directory for a look after a failure; the servers' data does not.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { readState, stopPid } from '../deploy/local/apps.mjs';

export default async function globalTeardown() {
  const file = process.env.PARLEY_TEST_STATE;
  if (!file) return;
  const state = readState(file);
  await Promise.all(Object.values(state.pids).flat().map((pid) => stopPid(pid)));
  await globalThis.__parleyInfrastructure?.stop();
  await Promise.all((globalThis.__parleyStandIns ?? []).map((standIn) => standIn.close()));
  for (const dir of ['mongo', 'kafka', 'redis', 's3']) rmSync(join(state.runDir, dir), { recursive: true, force: true });
}
