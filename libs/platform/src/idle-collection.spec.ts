import { afterEach, describe, expect, it } from '@jest/globals';
import { collectGarbageWhenIdle, type CollectedProcess } from './idle-collection.js';

const INTERVAL_MS = 100;
/**
 * Idle below a quarter of each interval busy: the test's busy spells spin about 90% of the time,
 * while with the apps' 2% a quiet jest process on a slow, loaded machine never counted as idle
 * within 5 s (its own timers and polling; a CI run failed so).
 */
const IDLE_UTILIZATION = 0.25;
const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the check holds or the time is up; a loaded machine can delay the idle intervals. */
async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check() && Date.now() < until) await sleep(INTERVAL_MS);
}

/** A process whose memory a collection shrinks to what is live; tests add garbage to it. */
function fakeProcess() {
  const heap = { live: 40 * MB, garbage: 15 * MB, collections: [] as unknown[] };
  const runtime: CollectedProcess = {
    collect: (options) => {
      heap.collections.push(options);
      heap.garbage = 0;
    },
    residentBytes: () => heap.live + heap.garbage,
  };
  return { heap, runtime };
}

describe('collecting garbage when idle', () => {
  let stop = () => undefined as void;
  afterEach(() => stop());

  it('collects once at the start, then again only when the app is quiet and has grown 16 MB', async () => {
    const { heap, runtime } = fakeProcess();
    stop = collectGarbageWhenIdle({ intervalMs: INTERVAL_MS, idleUtilization: IDLE_UTILIZATION, minGrowthBytes: 16 * MB }, runtime);
    expect(heap.collections).toEqual([{ type: 'major', execution: 'sync', flavor: 'last-resort' }]);

    heap.garbage = 8 * MB;
    await sleep(INTERVAL_MS * 4);
    expect(heap.collections).toHaveLength(1);

    heap.garbage = 20 * MB;
    await waitFor(() => heap.collections.length >= 2);
    expect(heap.collections).toHaveLength(2);
    expect(heap.garbage).toBe(0);
  });

  it('leaves an app alone while its event loop is busy', async () => {
    const { heap, runtime } = fakeProcess();
    stop = collectGarbageWhenIdle({ intervalMs: INTERVAL_MS, idleUtilization: IDLE_UTILIZATION, minGrowthBytes: 16 * MB }, runtime);
    heap.garbage = 100 * MB;
    const until = Date.now() + INTERVAL_MS * 6;
    const busy = setInterval(() => {
      const spinUntil = Date.now() + 8;
      while (Date.now() < spinUntil);
    }, 1);
    await sleep(until - Date.now());
    clearInterval(busy);
    expect(heap.collections).toHaveLength(1);

    // Once the loop is quiet it must be collected; how soon depends on how loaded the machine is.
    await waitFor(() => heap.collections.length >= 2);
    expect(heap.collections).toHaveLength(2);
  });
});
