import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';

/** A full collection, as `node --expose-gc` exposes it (`globalThis.gc`). */
export type FullCollection = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/** The runtime it acts on: V8's, unless a test stands in. */
export interface HeapRuntime {
  collect: FullCollection | undefined;
  usedHeapBytes: () => number;
}

const v8Runtime: HeapRuntime = {
  collect: (globalThis as { gc?: FullCollection }).gc,
  usedHeapBytes: () => v8.getHeapStatistics().used_heap_size,
};

export interface IdleCollectionOptions {
  /** How often the app is looked at. */
  intervalMs?: number;
  /** Below this share of the interval spent running JavaScript, the app counts as idle. */
  idleUtilization?: number;
  /** What the heap must have grown by since the last collection here for another to be worth it. */
  minGrowthBytes?: number;
}

/**
 * Hands an app's garbage back to the system: once at the end of its start, then whenever it goes
 * idle after a busy spell. V8 runs a full collection only when the old generation has grown past its
 * limit, so an app that goes quiet keeps resident what its start (10-18 MB here) and its last busy
 * spell left behind. The collection is a last-resort one: it compacts and returns the freed pages (a
 * plain major collection frees the objects but keeps the pages: no smaller here). It costs about
 * 150 ms of CPU on an app's heap here, so after the start it runs only while the app is idle (its
 * event loop busy less than 2% of the last 10 s) and has grown 16 MB since the last one, enough to
 * be worth it; a busy app is left alone. Does nothing without `--expose-gc` (the apps' Node flags
 * set it). Returns what stops it.
 */
export function collectGarbageWhenIdle(
  { intervalMs = 10_000, idleUtilization = 0.02, minGrowthBytes = 16 * 1024 * 1024 }: IdleCollectionOptions = {},
  { collect, usedHeapBytes }: HeapRuntime = v8Runtime,
): () => void {
  if (!collect) return () => undefined;
  const collectAll = () => {
    collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    return usedHeapBytes();
  };
  let usedAfterLast = collectAll();
  let previous = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, previous);
    previous = now;
    if (utilization >= idleUtilization || usedHeapBytes() - usedAfterLast < minGrowthBytes) return;
    usedAfterLast = collectAll();
    // The collection itself must not count as work, or it would keep the next interval "busy".
    previous = performance.eventLoopUtilization();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
