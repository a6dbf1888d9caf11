import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { Model } from 'mongoose';
import { OutboxEntry, OutboxRelayState } from '@parley/database';
import { APP_NAME, PlatformConfig, Metrics, RepeatedFailureLog } from '@parley/platform';
import { KafkaConnection } from '../kafka-connection.js';

/**
 * Entries younger than this are left to the instance that wrote them (it publishes right after its
 * commit and marks them within MARK_INTERVAL_MS); the sweep takes the older ones still unsent.
 */
export const SWEEP_MIN_AGE_MS = 3000;
const SWEEP_BATCH = 500;
/**
 * Published entries are marked sent in MongoDB at most this often (or every SWEEP_BATCH entries),
 * one update for all: a mark per publish would be one more write for every event.
 */
export const MARK_INTERVAL_MS = 1000;
/** Ids this instance published recently, so its sweep does not send them again before they are marked. */
const RECENT_IDS_KEPT = 10_000;
/**
 * The relay's bookkeeping (sent marks) is written without waiting for the journal: if a crash loses
 * it, entries are published again, which idempotent consumers absorb. Waiting on the disk for it
 * would double the journal flushes of every event.
 */
const BOOKKEEPING = { writeConcern: { w: 1, j: false } } as const;

/**
 * Publishes an app's outbox to Kafka. Each instance publishes the entries it committed right after
 * the commit (Outbox hands them over), so an event leaves as soon as its state change is durable.
 * One instance holds a lease and sweeps for entries still unsent a while after their commit (the
 * writer crashed, or Kafka refused them), so nothing committed stays unpublished; the others wait
 * to take the lease over.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly instanceId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private leader = false;
  private chain: Promise<void> = Promise.resolve();
  private ticking = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly recentIds = new Set<string>();
  private unmarked: string[] = [];
  private markedAt = 0;
  /** While MongoDB or Kafka is away every tick fails the same way: logged once, then a summary a minute. */
  private readonly tickFailures: RepeatedFailureLog;
  private readonly workFailures: RepeatedFailureLog;

  constructor(
    @InjectModel(OutboxEntry.name) private readonly entries: Model<OutboxEntry>,
    @InjectModel(OutboxRelayState.name) private readonly states: Model<OutboxRelayState>,
    private readonly kafka: KafkaConnection,
    private readonly config: PlatformConfig,
    @Inject(APP_NAME) private readonly appName: string,
    @InjectPinoLogger(OutboxRelay.name) private readonly logger: PinoLogger,
  ) {
    this.tickFailures = new RepeatedFailureLog(logger, 'outbox relay tick');
    this.workFailures = new RepeatedFailureLog(logger, 'outbox relay work (sweep, sent marks)');
  }

  onApplicationBootstrap(): void {
    // Renewed three times a lease: a missed renewal or two does not hand the sweep over.
    this.timer = setInterval(() => void this.tick(), Math.max(100, Math.floor(this.config.OUTBOX_LEASE_MS / 3)));
    void this.tick();
  }

  /** Stops sweeping, writes the last sent marks and hands the lease back, before the connections close. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.leader = false;
    await this.chain;
    await this.kafka.drained();
    await this.markPublished().catch((error: unknown) =>
      this.logger.warn({ err: error }, 'sent marks not written; the next sweep sends those events again'),
    );
    await this.states.updateOne({ _id: this.appName, holder: this.instanceId }, { $set: { holder: null, expires_at: new Date(0) } });
  }

  /** Whether this instance holds the sweep's lease now (health reports it). */
  isLeader(): boolean {
    return this.leader;
  }

  /**
   * Publishes entries whose transaction just committed. A failure is logged and left to the sweep,
   * which sends them once they are SWEEP_MIN_AGE_MS old.
   */
  publishCommitted(entries: OutboxEntry[]): void {
    void this.publish(entries);
  }

  /** Renews or takes the lease and, while holding it, sweeps what is still unsent; writes due marks. */
  private async tick(): Promise<void> {
    if (this.ticking || !this.timer) return;
    this.ticking = true;
    try {
      const held = await this.holdLease();
      if (held && !this.leader) {
        this.leader = true;
        this.logger.info({ instance: this.instanceId }, 'took the outbox sweep lease');
      }
      if (!held) this.leader = false;
      if (this.leader) this.enqueue(() => this.sweep());
      this.enqueue(() => this.markPublished());
      this.tickFailures.succeeded();
    } catch (error) {
      this.tickFailures.failed(error);
    } finally {
      this.ticking = false;
    }
  }

  private async holdLease(): Promise<boolean> {
    const now = new Date();
    try {
      await this.states.findOneAndUpdate(
        {
          _id: this.appName,
          $or: [{ holder: this.instanceId }, { holder: null }, { expires_at: { $lt: now } }],
        },
        { $set: { holder: this.instanceId, expires_at: new Date(now.getTime() + this.config.OUTBOX_LEASE_MS) } },
        { upsert: true },
      );
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === 11000) return false;
      throw error;
    }
  }

  private async sweep(): Promise<void> {
    if (!this.leader) return;
    for (;;) {
      const unsent = await this.entries
        .find({ published_at: null, created_at: { $lte: new Date(Date.now() - SWEEP_MIN_AGE_MS) } })
        // Written order (a bulk's entries share a created_at): a room's events go out in seq order.
        .sort({ created_at: 1, position: 1, _id: 1 })
        .limit(SWEEP_BATCH)
        .lean<OutboxEntry[]>();
      // Entries this instance published whose marks are still to be written are not unsent.
      const toSend = unsent.filter((entry) => !this.recentIds.has(entry._id));
      Metrics.outboxBacklog.set(toSend.length);
      if (toSend.length === 0) return;
      this.logger.info({ count: toSend.length }, 'publishing unsent outbox entries');
      const published = await this.publish(toSend);
      if (!published || unsent.length < SWEEP_BATCH) return;
    }
  }

  /**
   * Publishes entries in order (kept per partition key). They are marked sent in MongoDB later, in
   * bulk (markPublished): until then the ids kept in memory stop the sweep from sending them again.
   */
  private async publish(entries: OutboxEntry[]): Promise<boolean> {
    const toSend = entries.filter((entry) => !this.recentIds.has(entry._id));
    if (toSend.length === 0) return true;
    if (this.config.PARLEY_FAILPOINT === 'outbox.before-publish') {
      // Test failpoint: die the hard way after the commit and before Kafka has the event.
      this.logger.fatal({ ids: toSend.map((entry) => entry._id) }, 'failpoint outbox.before-publish: killing the process');
      process.kill(process.pid, 'SIGKILL');
      await new Promise(() => undefined);
    }
    // Claimed before the send, so a sweep running meanwhile leaves them alone; released on failure.
    for (const entry of toSend) this.remember(entry._id);
    try {
      await this.kafka.publish(
        toSend.map((entry) => ({
          topic: entry.topic,
          messages: [{ key: entry.key, value: JSON.stringify(entry.envelope), headers: entry.headers ?? {} }],
        })),
      );
    } catch (error) {
      for (const entry of toSend) this.recentIds.delete(entry._id);
      this.logger.error({ err: error, count: toSend.length }, 'publishing outbox entries failed; the sweep retries them');
      return false;
    }
    const now = Date.now();
    for (const entry of toSend) {
      this.unmarked.push(entry._id);
      Metrics.outboxRelayLatency.observe((now - entry.created_at.getTime()) / 1000);
    }
    if (this.unmarked.length >= SWEEP_BATCH || Date.now() - this.markedAt >= MARK_INTERVAL_MS) this.enqueue(() => this.markPublished());
    return true;
  }

  /** Writes the sent marks of what was published since the last time, in one update. */
  private async markPublished(): Promise<void> {
    if (this.unmarked.length === 0) return;
    const ids = this.unmarked;
    this.unmarked = [];
    this.markedAt = Date.now();
    try {
      await this.entries.updateMany({ _id: { $in: ids } }, { $set: { published_at: new Date() } }, BOOKKEEPING);
    } catch (error) {
      this.unmarked.push(...ids);
      throw error;
    }
  }

  private remember(id: string): void {
    this.recentIds.add(id);
    if (this.recentIds.size > RECENT_IDS_KEPT) {
      const oldest = this.recentIds.values().next().value;
      if (oldest !== undefined) this.recentIds.delete(oldest);
    }
  }

  /** Runs the relay's own work (sweeps, marks) one piece at a time. */
  private enqueue(work: () => Promise<void>): void {
    this.chain = this.chain.then(work).then(
      () => this.workFailures.succeeded(),
      (error: unknown) => this.workFailures.failed(error),
    );
  }
}
