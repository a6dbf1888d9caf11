/** What became of one item of a group commit: its result, or the error that is its own. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Group commit: items submitted while a batch is being written join the next batch, so N
 * concurrent writers cost one write (a MongoDB transaction, a Kafka produce request) instead of N.
 * An item that arrives when nothing is being written waits only for the current I/O turn, so one
 * writer alone is not slowed down. One batch is written at a time, so batches keep submission
 * order. `commit` gets the items in that order and returns one outcome per item; if it throws,
 * every item of the batch fails with that error.
 */
export class GroupCommit<TItem, TResult> {
  private queued: { item: TItem; resolve: (value: TResult) => void; reject: (error: unknown) => void }[] = [];
  private writing = false;
  private scheduled = false;
  private idle: Promise<void> = Promise.resolve();
  private settleIdle: () => void = () => undefined;

  constructor(
    private readonly commit: (items: TItem[]) => Promise<Outcome<TResult>[]>,
    private readonly maxBatch = 64,
  ) {}

  /** Adds an item to the next batch; settles with that item's own outcome. */
  submit(item: TItem): Promise<TResult> {
    return new Promise<TResult>((resolve, reject) => {
      if (!this.busy()) this.idle = new Promise((settle) => (this.settleIdle = settle));
      this.queued.push({ item, resolve, reject });
      if (this.writing || this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.write();
      });
    });
  }

  /** Resolves once everything submitted so far has been written (or has failed). */
  drained(): Promise<void> {
    return this.busy() ? this.idle : Promise.resolve();
  }

  private busy(): boolean {
    return this.writing || this.scheduled || this.queued.length > 0;
  }

  private async write(): Promise<void> {
    if (this.writing) return;
    while (this.queued.length > 0) {
      this.writing = true;
      const batch = this.queued.splice(0, this.maxBatch);
      try {
        const outcomes = await this.commit(batch.map((entry) => entry.item));
        batch.forEach((entry, index) => {
          const outcome = outcomes[index];
          if (outcome?.ok) entry.resolve(outcome.value);
          else entry.reject(outcome ? outcome.error : new Error('group commit returned no outcome for an item'));
        });
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      } finally {
        this.writing = false;
      }
    }
    this.settleIdle();
  }
}

/** Runs `work` and captures its result or error as an Outcome. */
export async function outcomeOf<T>(work: () => Promise<T> | T): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Runs synchronous `work` and captures its result or error as an Outcome. */
export function outcomeOfSync<T>(work: () => T): Outcome<T> {
  try {
    return { ok: true, value: work() };
  } catch (error) {
    return { ok: false, error };
  }
}
