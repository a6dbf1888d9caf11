/**
 * A bounded number of slots per key (per app), with a short wait for one: a burst a little past the
 * bound waits the few milliseconds a slot takes to free, while lasting overload is refused within
 * `maxWaitMs` instead of queueing for seconds. Slots go to waiters oldest first.
 */
export class AdmissionSlots {
  private readonly taken = new Map<string, number>();
  private readonly waiting = new Map<string, { admit: () => void; timer: NodeJS.Timeout }[]>();

  constructor(
    private readonly slots: number,
    private readonly maxWaitMs: number,
  ) {}

  /**
   * Takes a slot for `key`, waiting up to maxWaitMs for one; resolves false when none came (the
   * caller refuses the request). Every true must be matched by one release.
   */
  acquire(key: string): Promise<boolean> {
    const taken = this.taken.get(key) ?? 0;
    if (taken < this.slots) {
      this.taken.set(key, taken + 1);
      return Promise.resolve(true);
    }
    if (this.maxWaitMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const queue = this.waiting.get(key) ?? [];
      const entry = {
        admit: () => resolve(true),
        timer: setTimeout(() => {
          queue.splice(queue.indexOf(entry), 1);
          if (queue.length === 0) this.waiting.delete(key);
          resolve(false);
        }, this.maxWaitMs),
      };
      queue.push(entry);
      this.waiting.set(key, queue);
    });
  }

  /** Gives a slot back: to the oldest waiter for the same key, if any. */
  release(key: string): void {
    const queue = this.waiting.get(key);
    const next = queue?.shift();
    if (next) {
      if (queue!.length === 0) this.waiting.delete(key);
      clearTimeout(next.timer);
      next.admit();
      return;
    }
    const left = (this.taken.get(key) ?? 1) - 1;
    if (left > 0) this.taken.set(key, left);
    else this.taken.delete(key);
  }

  /** Slots taken for `key` now. */
  inUse(key: string): number {
    return this.taken.get(key) ?? 0;
  }
}
