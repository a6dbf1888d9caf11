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
import type { ChangeStream, ChangeStreamInsertDocument, ResumeToken } from 'mongodb';
import type { Model } from 'mongoose';
import { OutboxEntry, OutboxRelayState } from '@parley/database';
import { APP_NAME, PlatformConfig } from '@parley/platform';
import { KafkaConnection } from '../kafka-connection.js';

/** Entries younger than this are left to the change stream; the sweep takes the older ones. */
const SWEEP_MIN_AGE_MS = 1000;
const SWEEP_BATCH = 500;
/**
 * The resume token is saved at most this often (and when the relay stops): a relay that resumes
 * from an older token publishes those events again, which idempotent consumers absorb, and the
 * `published_at` marks keep the sweep from doing the same.
 */
const RESUME_TOKEN_SAVE_MS = 1000;
/**
 * Published entries are marked sent in MongoDB at most this often (or every SWEEP_BATCH entries),
 * one update for all: a mark per publish would be one more write for every event.
 */
const MARK_INTERVAL_MS = 1000;
/** Ids published recently, so the sweep and the change stream do not both publish one entry. */
const RECENT_IDS_KEPT = 10_000;
/**
 * The relay's own bookkeeping (sent marks, resume token) is written without waiting for the journal:
 * if a crash loses it, entries are published again, which idempotent consumers absorb. Waiting on
 * the disk for it would double the journal flushes of every event.
 */
const BOOKKEEPING = { writeConcern: { w: 1, j: false } } as const;

type OutboxInsert = ChangeStreamInsertDocument<OutboxEntry>;

/**
 * Publishes an app's outbox to Kafka. One instance of the app holds a lease and relays; the others
 * wait to take over. The leader follows a change stream on the outbox for speed (its resume token
 * persisted after each batch) and sweeps for entries still unsent, so an entry committed just
 * before a crash is published once the app, or another instance, is back.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly instanceId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private leader = false;
  private stream: ChangeStream<OutboxEntry, OutboxInsert> | null = null;
  private pending: OutboxInsert[] = [];
  private chain: Promise<void> = Promise.resolve();
  private flushScheduled = false;
  private ticking = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly recentIds = new Set<string>();
  private unmarked: string[] = [];
  private markedAt = 0;
  private unsavedToken: ResumeToken | null = null;
  private tokenSavedAt = 0;

  constructor(
    @InjectModel(OutboxEntry.name) private readonly entries: Model<OutboxEntry>,
    @InjectModel(OutboxRelayState.name) private readonly states: Model<OutboxRelayState>,
    private readonly kafka: KafkaConnection,
    private readonly config: PlatformConfig,
    @Inject(APP_NAME) private readonly appName: string,
    @InjectPinoLogger(OutboxRelay.name) private readonly logger: PinoLogger,
  ) {}

  onApplicationBootstrap(): void {
    // Renewed three times a lease: a missed renewal or two does not hand the relay over.
    this.timer = setInterval(() => void this.tick(), Math.max(100, Math.floor(this.config.OUTBOX_LEASE_MS / 3)));
    void this.tick();
  }

  /** Stops relaying and hands the lease back, before the MongoDB and Kafka connections close. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.stepDown();
    await this.chain;
    await this.markPublished().catch((error: unknown) => this.logger.warn({ err: error }, 'sent marks not written; the next relay sends those events again'));
    await this.saveResumeToken();
    await this.states.updateOne(
      { _id: this.appName, holder: this.instanceId },
      { $set: { holder: null, expires_at: new Date(0) } },
    );
  }

  /** Whether this instance relays now (health reports it). */
  isLeader(): boolean {
    return this.leader;
  }

  /** Renews or takes the lease, follows the outbox while leader, and sweeps what is still unsent. */
  private async tick(): Promise<void> {
    if (this.ticking || !this.timer) return;
    this.ticking = true;
    try {
      const held = await this.holdLease();
      if (held && !this.leader) await this.becomeLeader();
      if (!held && this.leader) await this.stepDown();
      if (this.leader) {
        if (!this.stream) await this.openStream();
        this.enqueue(() => this.sweep(SWEEP_MIN_AGE_MS));
        this.enqueue(() => this.markPublished());
        this.enqueue(() => this.saveResumeToken());
      }
    } catch (error) {
      this.logger.error({ err: error }, 'outbox relay tick failed; retrying on the next tick');
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

  private async becomeLeader(): Promise<void> {
    this.leader = true;
    this.logger.info({ instance: this.instanceId }, 'took the outbox relay lease');
    await this.openStream();
    // Whatever a previous leader committed but never published goes out first.
    this.enqueue(() => this.sweep(0));
  }

  private async stepDown(): Promise<void> {
    if (!this.leader) return;
    this.leader = false;
    const stream = this.stream;
    this.stream = null;
    await stream?.close().catch(() => undefined);
  }

  private async openStream(): Promise<void> {
    const state = await this.states.findById(this.appName).lean();
    const resumeAfter = (state?.resume_token ?? undefined) as ResumeToken | undefined;
    const pipeline = [{ $match: { operationType: 'insert' } }];
    let stream: ChangeStream<OutboxEntry, OutboxInsert>;
    try {
      stream = this.entries.collection.watch<OutboxEntry, OutboxInsert>(pipeline, { resumeAfter });
    } catch (error) {
      this.logger.warn({ err: error }, 'could not resume the outbox change stream; the sweep covers the gap');
      stream = this.entries.collection.watch<OutboxEntry, OutboxInsert>(pipeline);
    }
    stream.on('change', (change) => {
      this.pending.push(change);
      this.scheduleFlush();
    });
    stream.on('error', (error) => {
      this.logger.warn({ err: error }, 'outbox change stream failed; reopening on the next tick');
      if (this.stream === stream) this.stream = null;
      void stream.close().catch(() => undefined);
      if ((error as { code?: number }).code === 286 /* ChangeStreamHistoryLost */) {
        void this.states.updateOne({ _id: this.appName }, { $set: { resume_token: null } });
      }
    });
    this.stream = stream;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.enqueue(async () => {
      this.flushScheduled = false;
      const batch = this.pending;
      this.pending = [];
      if (batch.length === 0) return;
      const published = await this.publish(batch.map((change) => change.fullDocument));
      if (published) {
        this.unsavedToken = batch[batch.length - 1]._id;
        if (Date.now() - this.tokenSavedAt >= RESUME_TOKEN_SAVE_MS) await this.saveResumeToken();
      }
    });
  }

  /** Persists the newest published position of the change stream, if it moved. */
  private async saveResumeToken(): Promise<void> {
    const token = this.unsavedToken;
    if (!token) return;
    this.unsavedToken = null;
    this.tokenSavedAt = Date.now();
    await this.states.updateOne({ _id: this.appName }, { $set: { resume_token: token } }, BOOKKEEPING);
  }

  private async sweep(minAgeMs: number): Promise<void> {
    if (!this.leader) return;
    for (;;) {
      const unsent = await this.entries
        .find({ published_at: null, created_at: { $lte: new Date(Date.now() - minAgeMs) } })
        .sort({ created_at: 1, _id: 1 })
        .limit(SWEEP_BATCH)
        .lean<OutboxEntry[]>();
      // Entries this instance published whose marks are still to be written are not unsent.
      const toSend = unsent.filter((entry) => !this.recentIds.has(entry._id));
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
    const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
    for (const entry of toSend) {
      const messages = byTopic.get(entry.topic) ?? [];
      messages.push({ key: entry.key, value: JSON.stringify(entry.envelope), headers: entry.headers ?? {} });
      byTopic.set(entry.topic, messages);
    }
    try {
      await this.kafka.publish([...byTopic].map(([topic, messages]) => ({ topic, messages })));
    } catch (error) {
      this.logger.error({ err: error, count: toSend.length }, 'publishing outbox entries failed; the sweep retries them');
      return false;
    }
    for (const entry of toSend) {
      this.remember(entry._id);
      this.unmarked.push(entry._id);
    }
    if (this.unmarked.length >= SWEEP_BATCH || Date.now() - this.markedAt >= MARK_INTERVAL_MS) await this.markPublished();
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

  /** Runs relay work one piece at a time, so events leave in the order they were committed. */
  private enqueue(work: () => Promise<void>): void {
    this.chain = this.chain.then(work).catch((error: unknown) => {
      this.logger.error({ err: error }, 'outbox relay work failed; the sweep retries it');
    });
  }
}
