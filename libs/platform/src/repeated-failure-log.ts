/** The part of a logger (pino's, nestjs-pino's PinoLogger) a RepeatedFailureLog writes to. */
export interface FailureLogger {
  error(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

/** How often a failure that keeps repeating is summed up in the log. */
const SUMMARY_EVERY_MS = 60_000;

/**
 * The log of a job that runs again and again (the outbox relay's tick, a poll, a sweep): its first
 * failure is logged in full, the same failure repeating is summed up once a minute rather than logged
 * on every run, and the first run that works after failures says so and how long it took. Every app
 * logged a 3 KB line each second per job while MongoDB was away, burying what else happened.
 */
export class RepeatedFailureLog {
  private failures = 0;
  private since = 0;
  private lastLoggedAt = 0;
  private lastReason = '';

  constructor(
    private readonly logger: FailureLogger,
    /** What the job does, as the start of a sentence ("outbox relay tick"). */
    private readonly job: string,
    private readonly level: 'error' | 'warn' = 'error',
    private readonly now: () => number = Date.now,
  ) {}

  /** A run failed: logged in full when it is the first or a new reason, else counted and summed up once a minute. */
  failed(error: unknown): void {
    const at = this.now();
    const reason = error instanceof Error ? error.message : String(error);
    if (this.failures === 0) this.since = at;
    this.failures++;
    if (this.failures === 1 || reason !== this.lastReason) {
      this.logger[this.level]({ err: error, failures: this.failures }, `${this.job} failed; retrying on the next run`);
    } else if (at - this.lastLoggedAt >= SUMMARY_EVERY_MS) {
      this.logger[this.level]({ reason, failures: this.failures, failingForMs: at - this.since }, `${this.job} still failing, for the same reason`);
    } else {
      return;
    }
    this.lastLoggedAt = at;
    this.lastReason = reason;
  }

  /** A run worked: after failures, says the job recovered. */
  succeeded(): void {
    if (this.failures === 0) return;
    this.logger.info({ failures: this.failures, failedForMs: this.now() - this.since }, `${this.job} works again`);
    this.failures = 0;
    this.lastReason = '';
  }
}
