import { describe, expect, it } from '@jest/globals';
import { GroupCommit, type Outcome } from './group-commit.js';

/** A commit that records each batch and holds it until released. */
function recorder() {
  const batches: number[][] = [];
  const releases: (() => void)[] = [];
  const commit = new GroupCommit<number, number>(async (items) => {
    batches.push([...items]);
    await new Promise<void>((resolve) => releases.push(resolve));
    return items.map((item): Outcome<number> => (item < 0 ? { ok: false, error: new Error(`bad ${item}`) } : { ok: true, value: item * 10 }));
  });
  return { commit, batches, releases };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('commits one item alone when nothing else is being written', async () => {
    const { commit, batches, releases } = recorder();
    const result = commit.submit(1);
    await tick();
    releases.shift()?.();
    await expect(result).resolves.toBe(10);
    expect(batches).toEqual([[1]]);
  });

  it('gathers items submitted while a batch is written into the next batch, in order', async () => {
    const { commit, batches, releases } = recorder();
    const first = commit.submit(1);
    await tick();
    const later = [commit.submit(2), commit.submit(3), commit.submit(4)];
    releases.shift()?.();
    await first;
    await tick();
    releases.shift()?.();
    await expect(Promise.all(later)).resolves.toEqual([20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('settles each item with its own outcome: one refused item does not fail the others', async () => {
    const { commit, releases } = recorder();
    const good = commit.submit(5);
    const bad = commit.submit(-1);
    await tick();
    releases.shift()?.();
    await expect(good).resolves.toBe(50);
    await expect(bad).rejects.toThrow('bad -1');
  });

  it('fails every item of a batch whose commit throws, and goes on with the next batch', async () => {
    let calls = 0;
    const commit = new GroupCommit<number, number>(async (items) => {
      calls++;
      if (calls === 1) throw new Error('transaction aborted');
      return items.map((item) => ({ ok: true, value: item }));
    });
    const failed = [commit.submit(1), commit.submit(2)];
    await expect(Promise.allSettled(failed)).resolves.toEqual([
      { status: 'rejected', reason: new Error('transaction aborted') },
      { status: 'rejected', reason: new Error('transaction aborted') },
    ]);
    await expect(commit.submit(3)).resolves.toBe(3);
  });

  it('never puts more than maxBatch items in one commit', async () => {
    const sizes: number[] = [];
    const commit = new GroupCommit<number, number>(async (items) => {
      sizes.push(items.length);
      return items.map((item) => ({ ok: true, value: item }));
    }, 3);
    await Promise.all([1, 2, 3, 4, 5, 6, 7].map((item) => commit.submit(item)));
    expect(sizes).toEqual([3, 3, 1]);
  });
});
