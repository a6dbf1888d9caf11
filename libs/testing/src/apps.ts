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
 * process of it, runs `whileStopped` (what a test does while the app is away), starts a new one and
 * waits until it is healthy. The new pid is recorded so the teardown stops it.
 */
export async function restartApp(app: AppName, overrides: Record<string, string> = {}, options: { whileStopped?: () => Promise<void> } = {}) {
  const file = process.env[STATE_VARIABLE] as string;
  const state = apps.readState(file);
  for (const pid of state.pids[app] ?? []) await apps.stopPid(pid);
  state.pids[app] = [];
  apps.writeState(file, state);
  await options.whileStopped?.();
  const child = apps.spawnApp(state, app, { overrides });
  apps.writeState(file, state);
  await apps.waitHealthy(state, app, { child });
  return child;
}

/**
 * Starts one more instance of an app (on a port of its own, in the same consumer group), waits
 * until it is healthy and returns its port and a way to stop it. Teardown stops it too.
 */
export async function startExtraInstance(
  app: AppName,
  port: number,
  env: Record<string, string> = {},
): Promise<{ port: number; stop: () => Promise<void> }> {
  const file = process.env[STATE_VARIABLE] as string;
  const state = apps.readState(file);
  const child = apps.spawnApp({ ...state, env: { ...state.env, ...env }, ports: { ...state.ports, [app]: port } }, app);
  state.pids[app] = [...(state.pids[app] ?? []), child.pid as number];
  apps.writeState(file, state);
  await apps.waitHealthy({ ...state, ports: { ...state.ports, [app]: port } }, app, { child });
  return { port, stop: () => apps.stopPid(child.pid as number) };
}
