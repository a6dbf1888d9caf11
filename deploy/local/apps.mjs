// Starting and stopping Parley's six apps as processes: shared by `npm start`, the e2e tests and the
// benchmark. The system's state (URLs, ports, pids) is a JSON file, so a test that restarts an app
// and the teardown that stops everything agree on what runs.
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnTied } from './infrastructure.mjs';
import { nodeForApps } from './node-runtime.mjs';
import { ROOT } from './project.mjs';

/** The six apps, each with the variable that sets its HTTP port and its default port. */
export const APPS = {
  gateway: { portVariable: 'GATEWAY_PORT', defaultPort: 3005 },
  realtime: { portVariable: 'REALTIME_PORT', defaultPort: 3006 },
  rooms: { portVariable: 'ROOMS_PORT', defaultPort: 3007 },
  messaging: { portVariable: 'MESSAGING_PORT', defaultPort: 3008 },
  'support-routing': { portVariable: 'SUPPORT_ROUTING_PORT', defaultPort: 3009 },
  'outbound-delivery': { portVariable: 'OUTBOUND_DELIVERY_PORT', defaultPort: 3010 },
};

/**
 * V8 settings of every app.
 * - A young generation of 4 MB semispaces instead of Node 24's default (up to 32 MB each, three of
 *   them) keeps an idle app near 150 MB resident instead of 250 MB; the apps allocate little per
 *   message, so the extra scavenges cost next to nothing (npm run bench).
 * - A 512 MB old space: on a machine with gigabytes V8 lets the old space grow to 4× what survived
 *   the last full collection before it collects again, so under load the gateway reached 240-360 MB
 *   and realtime 190-300. Below 2 GB the factor scales down (1.4 at 512 MB): peaks fell to 186-202
 *   and 163-171 (npm run bench, alternated runs) for 0-5% more gateway CPU per message (more full
 *   collections). The apps keep 40-60 MB alive, far below the cap.
 * - `--expose-gc`, for collectGarbageWhenIdle (libs/platform): a full, compacting collection at the
 *   end of an app's start and when it goes idle after a busy spell. Idle RSS after the bench's
 *   warm-up: 126-146 MB an app against 134-154 MB without (paired runs), idle CPU unchanged; after
 *   6,400 sends the busy apps gave back 16-30 MB within 35 s of quiet (180 to 150 MB, the gateway).
 */
export const APP_NODE_FLAGS = ['--max-semi-space-size=4', '--max-old-space-size=512', '--expose-gc'];

/**
 * The environment every app adds: glibc's malloc keeps an arena per thread that allocates (V8's
 * GC helpers, libuv's pool), each holding freed memory; two arenas took 13 MB off a loaded
 * gateway (one paired run).
 */
const APP_ENV = { MALLOC_ARENA_MAX: '2' };

/** The compiled entry point of an app (npm run build makes it). */
export function appEntry(app) {
  return join(ROOT, 'dist', 'apps', app, 'src', 'main.js');
}

export function readState(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

export function writeState(file, state) {
  writeFileSync(file, JSON.stringify(state, null, 2));
}

let appNode; // set by prepareAppRuntime

/**
 * Finds (downloading it on first use) the Node the apps run on, Node 24 LTS (see node-runtime.mjs),
 * for spawnApp to use. Call it once before spawning apps; without it they run on this process's Node.
 */
export async function prepareAppRuntime(options) {
  appNode = await nodeForApps(options);
  return appNode;
}

/**
 * Starts one app with the system's environment (plus overrides). Its output goes to
 * `<runDir>/<logName>.log` (the app's name unless told; one file per instance where an app runs
 * several) and, when given, through `onLine`; its pid is recorded in the state, and so is
 * the Node binary it runs on (what prepareAppRuntime found), so that an app restarted from the state
 * file (by a test, which loads this module anew) runs on the same one.
 */
export function spawnApp(state, app, { overrides = {}, onLine, logName = app } = {}) {
  if (!existsSync(appEntry(app))) throw new Error(`${appEntry(app)} is missing: run npm run build first`);
  mkdirSync(state.runDir, { recursive: true });
  const env = { ...APP_ENV, ...process.env, ...state.env, [APPS[app].portVariable]: String(state.ports[app]), ...overrides };
  delete env.NODE_OPTIONS;
  // PARLEY_PROFILE=<app>[,<app>…] or `all` writes a V8 CPU profile of those apps when they stop
  // (<run dir>/profiles/<app>/*.cpuprofile: Chrome DevTools or speedscope open it).
  const profiled = (process.env.PARLEY_PROFILE ?? '').split(',');
  const profile = profiled.includes(app) || profiled.includes('all') ? ['--cpu-prof', `--cpu-prof-dir=${join(state.runDir, 'profiles', app)}`] : [];
  // Tied to this process: when a test run or `npm start` dies without its teardown, the apps die
  // with it instead of living on, reconnecting to servers that are gone.
  state.node ??= appNode?.path ?? process.execPath;
  const child = spawnTied(state.node, [...APP_NODE_FLAGS, ...profile, appEntry(app)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(join(state.runDir, `${logName}.log`), { flags: 'a' });
  // Both streams write to one file, which is closed once the process is gone: ending it with the
  // first stream to end would make the other's last lines a write after end (a crash of this process).
  child.once('close', () => log.end());
  for (const stream of [child.stdout, child.stderr]) {
    stream.pipe(log, { end: false });
    if (onLine) {
      let rest = '';
      stream.on('data', (chunk) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop();
        for (const line of lines) onLine(app, line);
      });
    }
  }
  state.pids[app] = [...(state.pids[app] ?? []), child.pid];
  return child;
}

/**
 * Polls an app's /health until it answers 200; fails with the app's last log lines at once when the
 * app exits, when it has used no CPU for `idleMs` (it hangs: a start is module loading and
 * connecting, and even an app retrying a server that is down uses some), or after `timeoutMs` in
 * all. How long a working start takes depends on the machine and on how many apps start together:
 * on a slow day one app's imports took 12 s of CPU, six apps starting together missed 90 s and
 * eight missed 180 s. So a start that is still working is waited for, and one that is not fails
 * within a minute. Without /proc (or a child to look at) the wait is `timeoutMs`.
 */
export async function waitHealthy(state, app, { timeoutMs = 600_000, idleMs = 60_000, child, logName = app } = {}) {
  const deadline = Date.now() + timeoutMs;
  const url = `http://127.0.0.1:${state.ports[app]}/health`;
  let cpu = cpuTicks(child?.pid);
  let lastWorked = Date.now();
  let idle = false;
  while (Date.now() < deadline) {
    if (child && exited(child)) break;
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = cpuTicks(child?.pid);
    if (now === null || now > cpu) {
      cpu = now;
      lastWorked = Date.now();
    } else if (Date.now() - lastWorked > idleMs) {
      idle = true;
      break;
    }
  }
  const logFile = join(state.runDir, `${logName}.log`);
  const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').slice(-15).join('\n') : '(no log)';
  const why = child && exited(child) ? ` (exited with ${child.exitCode ?? child.signalCode})` : idle ? ` (no CPU used for ${idleMs / 1000} s)` : ` within ${timeoutMs / 1000} s`;
  throw new Error(`${app} did not become healthy at ${url}${why}:\n${tail}`);
}

/** Whether a spawned process has ended, by an exit of its own or by a signal. */
export function exited(child) {
  return child.exitCode !== null || child.signalCode !== null;
}

/** CPU time a process has used (user + system, in clock ticks), or null where /proc cannot tell. */
function cpuTicks(pid) {
  if (!pid) return null;
  try {
    // /proc/<pid>/stat: "pid (name) state ppid ..."; utime and stime are fields 14 and 15.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** Whether a process runs; a zombie (exited, not yet reaped by its parent) does not. */
function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (name) state ..."; Z is a zombie.
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return true; // no /proc here: kill(0) is all there is
  }
}

/** Stops a process (SIGTERM, SIGKILL after the grace period) and waits until it is gone. */
export async function stopPid(pid, graceMs = 10_000) {
  if (!pid || !alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  while (alive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
}
