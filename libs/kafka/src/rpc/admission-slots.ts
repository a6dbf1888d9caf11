/**
 * A bounded number of slots per key (per app), with a short wait for one: a burst a little past the
 * bound waits the few milliseconds a slot takes to free, while lasting overload is refused within
 * `maxWaitMs` instead of queueing for seconds. Slots go to waiters oldest first.
 *
 * A slot is held at most `leaseMs`: a request still unanswered by then is presumed stuck behind a
 * stalled instance (its partitions wait out the group's session timeout), and keeps waiting for its
 * reply without the slot, so the app's healthy partitions go on serving instead of being refused.
 */
export class AdmissionSlots {
  private readonly taken = new Map<string, number>();
  private readonly waiting = new Map<string, { admit: (release: () => void) => void; timer: NodeJS.Timeout }[]>();

  constructor(
    private readonly slots: number,
    private readonly maxWaitMs: number,
    private readonly leaseMs: number,
  ) {}

  /**
   * Takes a slot for `key`, waiting up to maxWaitMs for one. Resolves with the function that gives
   * it back (call it once the request is answered), or null when no slot came: refuse the request.
   */
  acquire(key: string): Promise<(() => void) | null> {
    const taken = this.taken.get(key) ?? 0;
    if (taken < this.slots) {
      this.taken.set(key, taken + 1);
      return Promise.resolve(this.lease(key));
    }
    if (this.maxWaitMs <= 0) return Promise.resolve(null);
    return new Promise((resolve) => {
      const queue = this.waiting.get(key) ?? [];
      const entry = {
        admit: (release: () => void) => resolve(release),
        timer: setTimeout(() => {
          queue.splice(queue.indexOf(entry), 1);
          if (queue.length === 0) this.waiting.delete(key);
          resolve(null);
        }, this.maxWaitMs).unref(),
      };
      queue.push(entry);
      this.waiting.set(key, queue);
    });
  }

  /** Slots taken for `key` now. */
  inUse(key: string): number {
    return this.taken.get(key) ?? 0;
  }

  /** A release for a slot just taken (or handed over): it runs once, at the answer or when the lease ends. */
  private lease(key: string): () => void {
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      clearTimeout(expiry);
      this.handOver(key);
    };
    // Bounds a request that has timers of its own: never the reason a process stays up.
    const expiry = setTimeout(release, this.leaseMs).unref();
    return release;
  }

  /** Gives a slot back: to the oldest waiter for the same key, if any. */
  private handOver(key: string): void {
    const queue = this.waiting.get(key);
    const next = queue?.shift();
    if (next) {
      if (queue!.length === 0) this.waiting.delete(key);
      clearTimeout(next.timer);
      next.admit(this.lease(key));
      return;
    }
    const left = (this.taken.get(key) ?? 1) - 1;
    if (left > 0) this.taken.set(key, left);
    else this.taken.delete(key);
  }
}
