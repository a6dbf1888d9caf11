/**
 * Runs work for one inbox at a time in this process, in arrival order. Routing transactions of one
 * inbox would conflict on its routing lock anyway; queueing them here keeps those conflicts (and
 * their retries) to the rare case of two instances routing one inbox at once.
 */
export class InboxQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(inboxId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(inboxId) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.tails.set(inboxId, tail);
    void tail.then(() => {
      if (this.tails.get(inboxId) === tail) this.tails.delete(inboxId);
    });
    return result;
  }
}
