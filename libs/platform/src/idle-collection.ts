import { performance } from 'node:perf_hooks';

/** A full collection, as `node --expose-gc` exposes it (`globalThis.gc`). */
export type FullCollection = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/** The process it acts on: this one, unless a test stands in. */
export interface CollectedProcess {
  collect: FullCollection | undefined;
  residentBytes: () => number;
}

const thisProcess: CollectedProcess = {
  collect: (globalThis as { gc?: FullCollection }).gc,
  residentBytes: () => process.memoryUsage.rss(),
};

export interface IdleCollectionOptions {
  /** How often the app is looked at. */
  intervalMs?: number;
  /** Below this share of the interval spent running JavaScript, the app counts as idle. */
  idleUtilization?: number;
  /** What the resident memory must have grown by since the last collection for another to be worth it. */
  minGrowthBytes?: number;
}

/**
 * Hands an app's garbage back to the system: once at the end of its start, then whenever it goes
 * idle after a busy spell. V8 runs a full collection only when the old generation has grown past its
 * limit, so an app that goes quiet keeps resident what its start (6-10 MB here) and its last busy
 * spell (about 20 MB after a few thousand sends: heap pages, and buffers whose dead wrappers hold
 * them) left behind. The collection is a last-resort one: it compacts and returns the freed pages
 * (a plain major collection frees the objects but keeps the pages: no smaller here). It costs about
 * 150 ms of CPU here, so after the start it runs only while the app is idle (its event loop busy
 * less than 2% of the last 10 s) and its resident memory has grown 16 MB since the last one; a busy
 * app is left alone. Does nothing without `--expose-gc` (the apps' Node flags set it). Returns what
 * stops it.
 */
export function collectGarbageWhenIdle(
  { intervalMs = 10_000, idleUtilization = 0.02, minGrowthBytes = 16 * 1024 * 1024 }: IdleCollectionOptions = {},
  { collect, residentBytes }: CollectedProcess = thisProcess,
): () => void {
  if (!collect) return () => undefined;
  const collectAll = () => {
    collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    return residentBytes();
  };
  let residentAfterLast = collectAll();
  let previous = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, previous);
    previous = now;
    if (utilization >= idleUtilization || residentBytes() - residentAfterLast < minGrowthBytes) return;
    residentAfterLast = collectAll();
    // The collection itself must not count as work, or it would keep the next interval "busy".
    previous = performance.eventLoopUtilization();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
