import * as apps from '../../../deploy/local/apps.mjs';
import type { AppName, SystemState } from '../../../deploy/local/apps.mjs';

export type { AppName, SystemState };

const STATE_VARIABLE = 'PARLEY_TEST_STATE';

/** The system state of this e2e run (written by test/global-setup.mjs). */
export function readState(): SystemState {
  const file = process.env[STATE_VARIABLE];
  if (!file) throw new Error(`${STATE_VARIABLE} is not set: run the e2e tests through npm test`);
  return apps.readState(file);
}

/**
 * Restarts one app of the running system, with extra settings (a failpoint, say): stops every
 * process of it, starts a new one and waits until it is healthy. The new pid is recorded so the
 * teardown stops it.
 */
export async function restartApp(app: AppName, overrides: Record<string, string> = {}, options: { waitHealthy?: boolean } = {}) {
  const file = process.env[STATE_VARIABLE] as string;
  const state = apps.readState(file);
  for (const pid of state.pids[app] ?? []) await apps.stopPid(pid);
  state.pids[app] = [];
  const child = apps.spawnApp(state, app, { overrides });
  apps.writeState(file, state);
  if (options.waitHealthy !== false) await apps.waitHealthy(state, app, { child });
  return child;
}
