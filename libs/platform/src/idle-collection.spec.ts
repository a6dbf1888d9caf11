import { afterEach, describe, expect, it } from '@jest/globals';
import { collectGarbageWhenIdle } from './idle-collection.js';

const INTERVAL_MS = 25;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('collecting garbage when idle', () => {
  let stop = () => undefined as void;
  afterEach(() => stop());

  it('collects once when the app goes quiet, and again only after its heap has grown', async () => {
    const collections: unknown[] = [];
    stop = collectGarbageWhenIdle({ intervalMs: INTERVAL_MS, minGrowthBytes: 1024 * 1024 }, (options) => collections.push(options));
    await sleep(INTERVAL_MS * 4);
    expect(collections).toEqual([{ type: 'major', execution: 'sync', flavor: 'last-resort' }]);

    const kept = Array.from({ length: 50_000 }, (_, index) => ({ index, text: `entry ${index}` }));
    await sleep(INTERVAL_MS * 4);
    expect(collections).toHaveLength(2);
    expect(kept).toHaveLength(50_000);
  });

  it('leaves an app alone while its event loop is busy', async () => {
    const collections: unknown[] = [];
    stop = collectGarbageWhenIdle({ intervalMs: INTERVAL_MS, minGrowthBytes: 0 }, (options) => collections.push(options));
    const until = Date.now() + INTERVAL_MS * 6;
    const busy = setInterval(() => {
      const spinUntil = Date.now() + 8;
      while (Date.now() < spinUntil);
    }, 1);
    await sleep(until - Date.now());
    clearInterval(busy);
    expect(collections).toEqual([]);
  });
});
