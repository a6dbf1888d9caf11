import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';

/** A full collection, as `node --expose-gc` exposes it (`globalThis.gc`). */
export type FullCollection = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

export interface IdleCollectionOptions {
  /** How often the app is looked at. */
  intervalMs?: number;
  /** Below this share of the interval spent running JavaScript, the app counts as idle. */
  idleUtilization?: number;
  /** What the heap must have grown by since the last collection here for another to be worth it. */
  minGrowthBytes?: number;
}

/**
 * Hands an idle app's garbage back to the system. V8 runs a full collection only when the old
 * generation has grown past its limit, so an app that goes quiet keeps what its start and its last
 * busy spell left behind resident: 10-13 MB an app here. While the app is idle (its event loop busy
 * less than 2% of the last 10 s) and its heap has grown 4 MB since the last such collection, this runs
 * one last-resort collection: it compacts and returns the freed pages (a plain major collection
 * frees the objects but keeps the pages: no smaller here), in about 75 ms of an otherwise idle
 * moment. A busy app is left alone, and a quiet one is collected again only after it has grown
 * again. Does nothing without `--expose-gc` (the apps' Node flags set it). Returns what stops it.
 */
export function collectGarbageWhenIdle(
  { intervalMs = 10_000, idleUtilization = 0.02, minGrowthBytes = 4 * 1024 * 1024 }: IdleCollectionOptions = {},
  collect = (globalThis as { gc?: FullCollection }).gc,
): () => void {
  if (!collect) return () => undefined;
  let usedAfterLast = 0;
  let previous = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, previous);
    previous = now;
    if (utilization >= idleUtilization || v8.getHeapStatistics().used_heap_size - usedAfterLast < minGrowthBytes) return;
    collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    usedAfterLast = v8.getHeapStatistics().used_heap_size;
    // The collection itself must not count as work, or it would keep the next interval "busy".
    previous = performance.eventLoopUtilization();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
