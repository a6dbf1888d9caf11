// Keeps Parley's app instances running: starts each, and starts it again (backing off) whenever it
// dies, saying which, why and how often. `npm start` and `npm run chaos` run the apps through it.
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exited, spawnApp, stopPid, waitHealthy } from './apps.mjs';

/** The first restart waits this long; each one after it twice as long, up to MAX_BACKOFF_MS. */
const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30_000;
/** A run this long was healthy: the backoff starts over. */
const HEALTHY_RUN_MS = 60_000;
/**
 * How many failed starts waitHealthy sees through before it gives up. A start can fail for want of
 * a server that is still coming up (on a slow day, a fresh Kafka creating a few hundred partitions
 * for eight instances at once), and the next start, a few seconds later, finds it ready.
 */
const FAILED_STARTS_TOLERATED = 4;
/** How often a running instance is called on its port, and how long each call may take. */
const LIVENESS_INTERVAL_MS = 5000;
/**
 * An instance that answered on its port and then answers nothing for this long is hung (a blocked
 * event loop, a stopped process): it is killed, and so started again. A process that exits is
 * restarted at once; one that hangs would otherwise stay hung.
 */
const HUNG_AFTER_MS = 30_000;

/** The message of an app's fatal log line, on one line and clipped: a start's error can be long. */
function fatalMessage(line) {
  try {
    return String(JSON.parse(line).msg).replace(/\s+/g, ' ').slice(0, 300);
  } catch {
    return line.slice(0, 300);
  }
}

export class Supervisor {
  /**
   * @param state the system state (runDir, env, ports, pids) the apps start with; its pids follow the running instances
   * @param onLine where an instance's log lines go (else only to its log file)
   * @param log where the supervisor's own lines go (they are also kept in `<runDir>/supervisor.log`)
   * @param onChange called when an instance's pid changed (a restart), to save the state
   * @param liveness how often a running instance is called on its port (/metrics), and after how long without an answer it is hung
   */
  constructor({
    state,
    onLine,
    log = (line) => process.stderr.write(`${line}\n`),
    onChange = () => undefined,
    liveness = { intervalMs: LIVENESS_INTERVAL_MS, hungAfterMs: HUNG_AFTER_MS },
  }) {
    this.liveness = liveness;
    this.state = state;
    this.onLine = onLine;
    this.log = (line) => {
      log(line);
      appendFile(join(state.runDir, 'supervisor.log'), `${new Date().toISOString()} ${line}\n`).catch(() => undefined);
    };
    this.onChange = onChange;
    this.instances = [];
    this.stopping = false;
  }

  /** Adds an instance of an app on its own HTTP (health) port and starts it. */
  start({ app, port, label = app }) {
    const instance = { app, port, label, restarts: 0, child: null, startedAt: 0, timer: null, answeredAt: null };
    this.instances.push(instance);
    this.launch(instance);
    return instance;
  }

  /** The state an instance runs with: the system's, with its own port. */
  stateOf(instance) {
    return { ...this.state, ports: { ...this.state.ports, [instance.app]: instance.port } };
  }

  launch(instance) {
    instance.startedAt = Date.now();
    let fatal = null;
    const onLine = (_app, line) => {
      // The app's last words (runMain logs a failed start at fatal): the exit line says why, since
      // the log file may be gone by the time someone reads the output (a CI run's, say).
      if (line.startsWith('{"level":60')) fatal = line;
      this.onLine?.(instance, line);
    };
    const child = spawnApp(this.stateOf(instance), instance.app, { onLine, logName: instance.label });
    instance.child = child;
    this.watchLiveness(instance, child);
    if (instance.restarts > 0) {
      this.onChange();
      const restart = instance.restarts;
      waitHealthy(this.stateOf(instance), instance.app, { child, logName: instance.label }).then(
        () => {
          if (instance.child !== child || this.stopping) return;
          instance.answeredAt = Date.now();
          this.log(`✔ ${instance.label} is up again (pid ${child.pid}, after restart ${restart})`);
        },
        () => undefined, // an exit is reported by 'close'
      );
    }
    // 'close', not 'exit': by then the app's output has all been read, its fatal line included.
    child.on('close', (code, signal) => {
      if (this.stopping || instance.child !== child) return;
      const pids = this.state.pids[instance.app] ?? [];
      this.state.pids[instance.app] = pids.filter((pid) => pid !== child.pid);
      if (Date.now() - instance.startedAt > HEALTHY_RUN_MS) instance.restarts = 0;
      instance.restarts += 1;
      const delay = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (instance.restarts - 1));
      const why = fatal ? `: ${fatalMessage(fatal)}` : '';
      this.log(`✖ ${instance.label} exited (${signal ?? `code ${code}`}${why}); restarting it in ${delay / 1000} s (restart ${instance.restarts}; its log: ${join(this.state.runDir, `${instance.label}.log`)})`);
      instance.timer = setTimeout(() => {
        instance.timer = null;
        if (!this.stopping) this.launch(instance);
      }, delay);
    });
  }

  /**
   * Calls the instance's /metrics every `liveness.intervalMs` once it has answered one; after
   * `liveness.hungAfterMs` without any answer it kills the process (its 'close' restarts it), saying why.
   */
  watchLiveness(instance, child) {
    const { intervalMs, hungAfterMs } = this.liveness;
    // /metrics, not /health: it needs no server, so an outage of one (which /health reports, slowly
    // while a server times out) is not taken for a hang, and the app is not restarted for it.
    const url = `http://127.0.0.1:${instance.port}/metrics`;
    // Set by each answer here and by a health check that passed (waitHealthy): a process stopped
    // right after its first health check never answered a liveness call, and is hung all the same.
    instance.answeredAt = null;
    let checking = false;
    const timer = setInterval(() => {
      if (this.stopping || instance.child !== child || exited(child)) {
        clearInterval(timer);
        return;
      }
      // Judged by the time since the last answer, not by a call failing: a call to a stopped
      // process may never settle.
      const answeredAt = instance.answeredAt;
      if (answeredAt !== null && Date.now() - answeredAt >= hungAfterMs) {
        clearInterval(timer);
        this.log(`✖ ${instance.label} (pid ${child.pid}) has not answered ${url} for ${Math.round((Date.now() - answeredAt) / 1000)} s: killing it to start it again`);
        child.kill('SIGKILL');
        return;
      }
      if (checking) return;
      checking = true;
      const call = new AbortController();
      const giveUp = setTimeout(() => call.abort(), intervalMs);
      // Any status is an answer: the process is alive.
      fetch(url, { signal: call.signal })
        .then((response) => response.arrayBuffer())
        .then(
          () => {
            if (instance.child === child) instance.answeredAt = Date.now();
          },
          () => undefined,
        )
        .finally(() => {
          clearTimeout(giveUp);
          checking = false;
        });
    }, intervalMs);
    timer.unref();
  }

  /**
   * Resolves once the instance answers its health check. A start that exits is restarted (launch)
   * and waited for again, up to FAILED_STARTS_TOLERATED times; then the last failure is thrown,
   * with the end of the instance's log.
   */
  async waitHealthy(instance, options = {}) {
    for (let failed = 0; ; failed++) {
      const child = instance.child;
      try {
        await waitHealthy(this.stateOf(instance), instance.app, { child, logName: instance.label, ...options });
        if (instance.child === child) instance.answeredAt = Date.now();
        return;
      } catch (error) {
        if (this.stopping || !exited(child) || failed >= FAILED_STARTS_TOLERATED) throw error;
        while (instance.child === child && !this.stopping) await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /** Kills an instance with a signal (SIGKILL: a crash); the supervisor starts it again. */
  kill(instance, signal = 'SIGKILL') {
    instance.child?.kill(signal);
  }

  /** Stops every instance gracefully; none is restarted after this. */
  async stopAll() {
    this.stopping = true;
    for (const instance of this.instances) if (instance.timer) clearTimeout(instance.timer);
    await Promise.all(this.instances.map((instance) => instance.child && stopPid(instance.child.pid)));
  }
}
