/** How many of a key's latest answer times size its lease. */
const ANSWERS_KEPT = 32;
/** Until a key has this many answers, its lease is the shortest. */
const MIN_ANSWERS = 8;
/** A request unanswered after this many times the median answer is presumed stuck. */
const LEASE_PER_MEDIAN = 4;

/**
 * A bounded number of slots per key (per app) and a bounded queue for them: a burst up to
 * `slots + maxQueued` is served whole, each request waiting for the slot ahead of it however slow
 * the machine is. Lasting overload is told from a burst by the queue overflowing: from then on the
 * key sheds (past its slots a request is refused at once rather than queued) until `shedMs` have
 * passed without a refusal, so accepted requests do not each wait behind a standing queue. Slots go
 * to waiters oldest first.
 *
 * A slot is held at most `leaseMs`: a request still unanswered by then is presumed stuck behind a
 * stalled instance (its partitions wait out the group's session timeout), and keeps waiting for its
 * reply without the slot, so the app's healthy partitions go on serving instead of being refused.
 * The lease is also what bounds a waiter's wait while an app is stalled. When the app answers slowly
 * across the board (a loaded or slow machine), the lease grows with its median answer time, up to
 * `maxLeaseMs`: a fixed lease shorter than the usual answer would hand every slot on before its
 * answer, so nothing would bound the requests in flight and a burst would end in timeouts instead of
 * quick refusals. A few hung requests among quick answers (a stalled instance among healthy ones)
 * leave the median, and so the lease, as it was.
 */
export class AdmissionSlots {
  private readonly taken = new Map<string, number>();
  private readonly waiting = new Map<string, ((release: () => void) => void)[]>();
  /** Per key, until when it sheds: each refusal moves it shedMs on. */
  private readonly shedUntil = new Map<string, number>();
  /** Per key, how long its latest answers took from their slot's grant (ms, oldest first). */
  private readonly answerTimes = new Map<string, number[]>();

  constructor(
    private readonly slots: number,
    private readonly maxQueued: number,
    private readonly leaseMs: number,
    private readonly shedMs: number,
    private readonly maxLeaseMs = leaseMs,
  ) {}

  /**
   * Takes a slot for `key`, queueing for one when all are taken and fewer than maxQueued wait.
   * Resolves with the function that gives it back (call it once the request is answered), or null
   * at once when the queue is full or the key sheds: refuse the request.
   */
  acquire(key: string): Promise<(() => void) | null> {
    const taken = this.taken.get(key) ?? 0;
    if (taken < this.slots) {
      this.taken.set(key, taken + 1);
      return Promise.resolve(this.lease(key));
    }
    const queue = this.waiting.get(key) ?? [];
    const now = performance.now();
    if (queue.length >= this.maxQueued || now < (this.shedUntil.get(key) ?? 0)) {
      this.shedUntil.set(key, now + this.shedMs);
      return Promise.resolve(null);
    }
    this.waiting.set(key, queue);
    return new Promise((resolve) => queue.push(resolve));
  }

  /**
   * For a caller that can refuse before doing any work: whether a request for `key` would be refused
   * at once now (every slot taken, and the key sheds). A yes counts as a refusal, so the key keeps
   * shedding while such requests keep coming.
   */
  refusesNow(key: string): boolean {
    const now = performance.now();
    if ((this.taken.get(key) ?? 0) < this.slots || now >= (this.shedUntil.get(key) ?? 0)) return false;
    this.shedUntil.set(key, now + this.shedMs);
    return true;
  }

  /** Whether `key` refuses at once past its slots (its queue overflowed, and it has refused within shedMs since). */
  isShedding(key: string): boolean {
    return performance.now() < (this.shedUntil.get(key) ?? 0);
  }

  /** Slots taken for `key` now. */
  inUse(key: string): number {
    return this.taken.get(key) ?? 0;
  }

  /** How long a slot of `key` is held at most now: its median answer time × LEASE_PER_MEDIAN, within leaseMs..maxLeaseMs. */
  leaseOf(key: string): number {
    const times = this.answerTimes.get(key);
    if (this.maxLeaseMs <= this.leaseMs || !times || times.length < MIN_ANSWERS) return this.leaseMs;
    const median = [...times].sort((a, b) => a - b)[times.length >> 1];
    return Math.min(this.maxLeaseMs, Math.max(this.leaseMs, median * LEASE_PER_MEDIAN));
  }

  /**
   * A release for a slot just taken (or handed over). The caller calls it once, at the answer: that
   * answer's time is kept for the lease's size, and the slot, if its lease has not ended, goes on.
   */
  private lease(key: string): () => void {
    const granted = performance.now();
    let held = true;
    let answered = false;
    const handOn = () => {
      if (!held) return;
      held = false;
      clearTimeout(expiry);
      this.handOver(key);
    };
    // Bounds a request that has timers of its own: never the reason a process stays up.
    const expiry = setTimeout(handOn, this.leaseOf(key)).unref();
    return () => {
      if (answered) return;
      answered = true;
      this.keepAnswerTime(key, performance.now() - granted);
      handOn();
    };
  }

  private keepAnswerTime(key: string, ms: number): void {
    const times = this.answerTimes.get(key) ?? [];
    times.push(ms);
    if (times.length > ANSWERS_KEPT) times.shift();
    this.answerTimes.set(key, times);
  }

  /** Gives a slot back: to the oldest waiter for the same key, if any. */
  private handOver(key: string): void {
    const queue = this.waiting.get(key);
    const next = queue?.shift();
    if (next) {
      if (queue!.length === 0) this.waiting.delete(key);
      next(this.lease(key));
      return;
    }
    const left = (this.taken.get(key) ?? 1) - 1;
    if (left > 0) this.taken.set(key, left);
    else this.taken.delete(key);
  }
}
