import { describe, expect, it } from '@jest/globals';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { LeasedBudget, type BudgetStore } from './leased-budget.js';

/** A shared window store as rate-limiter-flexible's counts: every consume adds its points, refused past the budget. */
class WindowStore implements BudgetStore {
  consumed = 0;
  readonly calls: number[] = [];

  constructor(
    private readonly points: number,
    private readonly msLeft = 60_000,
  ) {}

  async consume(_key: string, points: number): Promise<RateLimiterRes> {
    this.calls.push(points);
    await Promise.resolve();
    this.consumed += points;
    const remainingPoints = Math.max(0, this.points - this.consumed);
    if (this.consumed > this.points) throw new RateLimiterRes(0, this.msLeft, this.consumed);
    return new RateLimiterRes(remainingPoints, this.msLeft, this.consumed);
  }
}

async function spend(budget: LeasedBudget, key: string, times: number): Promise<(number | 'refused')[]> {
  const results: (number | 'refused')[] = [];
  for (let index = 0; index < times; index++) {
    results.push(
      await budget.consume(key).then(
        (state) => state.remainingPoints,
        (error: unknown) => {
          if (error instanceof RateLimiterRes) return 'refused' as const;
          throw error;
        },
      ),
    );
  }
  return results;
}

describe('LeasedBudget', () => {
  it('takes one point for a first request, then leases that double up to 16, so 100 requests cost 10 store calls', async () => {
    const store = new WindowStore(600);
    const results = await spend(new LeasedBudget(store, 600), 'user:a', 100);
    expect(store.calls).toEqual([1, 2, 4, 8, 16, 16, 16, 16, 16, 16]);
    expect(results).toEqual(Array.from({ length: 100 }, (_, index) => 600 - index - 1));
  });

  it('lets exactly the budget through on one instance and refuses the rest', async () => {
    const store = new WindowStore(320);
    const results = await spend(new LeasedBudget(store, 320), 'user:a', 330);
    expect(results.slice(0, 320)).toEqual(Array.from({ length: 320 }, (_, index) => 320 - index - 1));
    expect(results.slice(320)).toEqual(Array(10).fill('refused'));
    expect(store.consumed).toBe(320 + 10);
  });

  it('never leases more than a 32nd of a small budget: six points are taken one at a time', async () => {
    const store = new WindowStore(6);
    expect(await spend(new LeasedBudget(store, 6), 'user:a', 7)).toEqual([5, 4, 3, 2, 1, 0, 'refused']);
    expect(store.calls).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it('serves requests of one key that arrive together from one lease at a time, each point spent once', async () => {
    const store = new WindowStore(600);
    const budget = new LeasedBudget(store, 600);
    const together = await Promise.all(Array.from({ length: 10 }, () => budget.consume('user:a')));
    expect(store.calls).toEqual([1, 2, 4, 8]);
    expect(together.map((state) => state.remainingPoints).sort((a, b) => b - a)).toEqual(Array.from({ length: 10 }, (_, index) => 600 - index - 1));
  });

  it('keeps keys apart: another user starts with one point of their own', async () => {
    const store = new WindowStore(600);
    const budget = new LeasedBudget(store, 600);
    await spend(budget, 'user:a', 5);
    await budget.consume('user:b');
    expect(store.calls).toEqual([1, 2, 4, 1]);
  });

  it('starts again from one point once the window of its lease has ended', async () => {
    const store = new WindowStore(600, 0);
    await spend(new LeasedBudget(store, 600), 'user:a', 3);
    expect(store.calls).toEqual([1, 1, 1]);
  });
});
