/** How many of a key's latest answers are kept to judge whether a request is stuck. */
const ANSWERS_KEPT = 32;
/** A request is judged stuck only after at least this many answers came back since its slot was granted. */
const MIN_ANSWERS_SINCE = 4;
/** A request unanswered after this many times the median of the answers since its grant is presumed stuck. */
const LEASE_PER_MEDIAN = 4;

/** One answer of a key: when it came (performance.now()) and how long it took from its slot's grant. */
interface Answer {
  at: number;
  ms: number;
}

/**
 * A bounded number of slots per key (per app) and a bounded queue for them: a burst up to
 * `slots + maxQueued` is served whole, each request waiting for the slot ahead of it however slow
 * the machine is. Lasting overload is told from a burst by the queue overflowing: from then on the
 * key sheds (past its slots a request is refused at once rather than queued) until `shedMs` have
 * passed without a refusal, so accepted requests do not each wait behind a standing queue. Slots go
 * to waiters oldest first.
 *
 * A request that is stuck gives its slot up: one behind a stalled instance (its partitions wait out
 * the group's session timeout) keeps waiting for its reply without the slot, so the app's healthy
 * partitions go on serving instead of being refused. Stuck is judged by what the app answered since
 * the slot was granted: at least MIN_ANSWERS_SINCE answers came back and the request has waited
 * LEASE_PER_MEDIAN times their median, within `leaseMs`..`maxLeaseMs`. So a request is never judged
 * against answers from before a burst (quick ones would hand every slot on before the burst's first
 * answer, and nothing would bound what is in flight), and while the app answers nothing at all (it
 * is wholly stalled, or slow to its first answer) its slots stay taken: the queue fills and the rest
 * is refused at once instead of piling up behind it. Each request's own timeout frees its slot in the
 * end.
 */
export class AdmissionSlots {
  private readonly taken = new Map<string, number>();
  private readonly waiting = new Map<string, ((release: () => void) => void)[]>();
  /** Per key, until when it sheds: each refusal moves it shedMs on. */
  private readonly shedUntil = new Map<string, number>();
  /** Per key, its latest answers, oldest first. */
  private readonly answers = new Map<string, Answer[]>();

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

  /** Per key seen so far: its slots taken and its requests queued for one. */
  usage(): { key: string; inFlight: number; queued: number }[] {
    const keys = new Set([...this.answers.keys(), ...this.taken.keys(), ...this.waiting.keys()]);
    return [...keys].map((key) => ({ key, inFlight: this.taken.get(key) ?? 0, queued: this.waiting.get(key)?.length ?? 0 }));
  }

  /**
   * How long a slot of `key` granted at `granted` (performance.now()) may be held before it is handed
   * on: LEASE_PER_MEDIAN times the median of the answers since, within leaseMs..maxLeaseMs; null while
   * fewer than MIN_ANSWERS_SINCE answers came since, when nothing says the request is stuck.
   */
  private leaseSince(key: string, granted: number): number | null {
    const since = (this.answers.get(key) ?? []).filter((answer) => answer.at > granted).map((answer) => answer.ms);
    if (since.length < MIN_ANSWERS_SINCE) return null;
    const median = since.sort((a, b) => a - b)[since.length >> 1];
    return Math.min(this.maxLeaseMs, Math.max(this.leaseMs, median * LEASE_PER_MEDIAN));
  }

  /**
   * A release for a slot just taken (or handed over). The caller calls it once, at the answer: that
   * answer is kept to judge the requests still waiting, and the slot, if it was not handed on as
   * stuck, goes on. Whether the request is stuck is looked at every leaseMs until it is answered.
   */
  private lease(key: string): () => void {
    const granted = performance.now();
    let held = true;
    let answered = false;
    const handOn = () => {
      if (!held) return;
      held = false;
      clearTimeout(check);
      this.handOver(key);
    };
    const lookAgain = () => {
      const lease = this.leaseSince(key, granted);
      const waited = performance.now() - granted;
      if (lease !== null && waited >= lease) return handOn();
      // Bounds a request that has timers of its own: never the reason a process stays up.
      check = setTimeout(lookAgain, lease === null ? this.leaseMs : lease - waited).unref();
    };
    let check = setTimeout(lookAgain, this.leaseMs).unref();
    return () => {
      if (answered) return;
      answered = true;
      const now = performance.now();
      this.keepAnswer(key, { at: now, ms: now - granted });
      handOn();
    };
  }

  private keepAnswer(key: string, answer: Answer): void {
    const answers = this.answers.get(key) ?? [];
    answers.push(answer);
    if (answers.length > ANSWERS_KEPT) answers.shift();
    this.answers.set(key, answers);
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
