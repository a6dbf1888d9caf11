import { LRUCache } from 'lru-cache';
import type { RateLimiterRes } from 'rate-limiter-flexible';

/** The part of a shared (Redis) limiter a lease is taken from. */
export interface BudgetStore {
  consume(key: string, points: number): Promise<Pick<RateLimiterRes, 'remainingPoints' | 'msBeforeNext'>>;
}

interface Lease {
  /** Points taken from the shared budget and not yet spent here. */
  left: number;
  /** What the shared budget had left right after this lease was taken. */
  sharedLeft: number;
  /** When the shared window (and with it the lease) ends, epoch ms. */
  endsAt: number;
  /** How many points this lease took: the next one takes twice as many. */
  size: number;
}

/** At most this many points are leased at once, and never more than a 32nd of the budget. */
const MOST_LEASED = 16;
const KEYS_KEPT = 50_000;

/**
 * A shared request budget spent through small leases: a key's first request in a window takes one
 * point from the shared store (one Redis round trip, as before); while that key keeps sending, each
 * lease takes twice as many points as the last (up to 16, and never more than the budget has left),
 * spent here without a round trip. A busy user costs Redis one call per 16 requests, not one per
 * request, and waits on none of the others.
 *
 * The shared budget is never overspent: a point is spent here only once taken there. What a lease
 * holds unspent when its window ends is lost, so with several gateway instances a user can be
 * refused up to 15 points per instance early; with one instance the count is exact.
 */
export class LeasedBudget {
  private readonly leases = new LRUCache<string, Lease>({ max: KEYS_KEPT });
  /** Keys whose lease is being taken now: their other requests wait for it instead of taking their own. */
  private readonly taking = new Map<string, Promise<unknown>>();
  private readonly mostLeased: number;

  constructor(
    private readonly store: BudgetStore,
    points: number,
  ) {
    this.mostLeased = Math.max(1, Math.min(MOST_LEASED, Math.floor(points / 32)));
  }

  /**
   * Spends one point of `key`; resolves with what the budget has left (shared and leased), or
   * rejects with the store's RateLimiterRes once the budget is spent.
   */
  async consume(key: string): Promise<{ remainingPoints: number }> {
    for (;;) {
      const lease = this.leases.get(key);
      const live = lease && lease.endsAt > Date.now() ? lease : undefined;
      if (live && live.left > 0) {
        live.left--;
        return { remainingPoints: live.sharedLeft + live.left };
      }
      const pending = this.taking.get(key);
      if (!pending) return this.takeLease(key, live);
      await pending.catch(() => undefined);
    }
  }

  /** Takes the next lease of `key` from the shared store and spends its first point. */
  private async takeLease(key: string, spent: Lease | undefined): Promise<{ remainingPoints: number }> {
    // Growing only while the window's budget allows it: a lease the store would refuse must not burn points.
    const size = spent ? Math.max(1, Math.min(this.mostLeased, spent.size * 2, spent.sharedLeft)) : 1;
    const taking = this.store.consume(key, size);
    this.taking.set(key, taking);
    try {
      const taken = await taking;
      this.leases.set(key, { left: size - 1, sharedLeft: taken.remainingPoints, endsAt: Date.now() + taken.msBeforeNext, size });
      return { remainingPoints: taken.remainingPoints + size - 1 };
    } finally {
      this.taking.delete(key);
    }
  }
}
