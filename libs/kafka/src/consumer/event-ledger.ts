import { Injectable } from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/mongoose';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { ClientSession, Connection, Model } from 'mongoose';
import type { EventEnvelope } from '@parley/contracts';
import { GroupCommit, outcomeOf, ProcessedEvent, runTransaction, type Outcome } from '@parley/database';
import { currentTraceHeaders, type TraceHeaders } from '@parley/platform';

/** An event handed to a batched effect, with the correlation id of the request that caused it. */
export interface LedgerEvent<T = unknown> {
  envelope: EventEnvelope<T>;
  correlationId?: string;
  /**
   * The span handling it (tracing on), taken when it was handed in: the batch runs in one event's
   * context, so the events its effect emits name their own cause with this (Outbox.addEach).
   */
  trace?: TraceHeaders;
}

/** Applies events all in one transaction or none of them; whether each was new (false: a duplicate). */
export type LedgerApply<T> = (events: LedgerEvent<T>[]) => Promise<boolean[]>;

/** Applies a batch of events that are new to the consumer, inside the ledger's transaction. */
export type BatchEffect<T> = (session: ClientSession, events: LedgerEvent<T>[]) => Promise<void>;

/**
 * Makes a consumer's MongoDB effect idempotent: a ledger entry keyed by consumer and event id
 * commits in the same transaction as the effect, so a redelivered event changes nothing.
 */
@Injectable()
export class EventLedger {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    @InjectModel(ProcessedEvent.name) private readonly ledger: Model<ProcessedEvent>,
    @InjectPinoLogger(EventLedger.name) private readonly logger: PinoLogger,
  ) {}

  /** Applies a MongoDB effect at most once per consumer and event; false when it was a duplicate. */
  async applyOnce(consumer: string, envelope: EventEnvelope, effect: (session: ClientSession) => Promise<void>): Promise<boolean> {
    const [applied] = await this.applyBatch(consumer, [{ envelope }], (session) => effect(session));
    return applied;
  }

  /**
   * The batched form of applyOnce, for a hot consumer: returns a function that applies a run of
   * events (one, or a key's run: EventConsumer.handle's `together`) all in one transaction or none of
   * them, and resolves to whether each was new (false: a duplicate). Runs handed in at the same moment
   * (from the partitions and keys consumed at once) share one transaction, with one ledger write; when
   * that fails, each run is tried on its own, so one bad run fails only itself.
   */
  batched<T>(consumer: string, effect: BatchEffect<T>): LedgerApply<T> {
    const commits = new GroupCommit<LedgerEvent<T>[], boolean[]>(async (runs) => {
      try {
        const applied = await this.applyBatch(consumer, runs.flat(), effect);
        let at = 0;
        return runs.map((run): Outcome<boolean[]> => ({ ok: true, value: applied.slice(at, (at += run.length)) }));
      } catch (error) {
        if (runs.length === 1) throw error;
        const outcomes: Outcome<boolean[]>[] = [];
        for (const run of runs) outcomes.push(await outcomeOf(() => this.applyBatch(consumer, run, effect)));
        return outcomes;
      }
    });
    return (events) =>
      commits.submit(
        events.map((event) => {
          const trace = event.trace ?? currentTraceHeaders();
          return trace ? { ...event, trace } : event;
        }),
      );
  }

  /**
   * One transaction for a batch; whether each event was applied (false: a duplicate). The ledger
   * entries are written first; a duplicate among them (a redelivery) aborts it, and the batch runs
   * again with the ledger read first to leave those out.
   */
  private async applyBatch<T>(consumer: string, events: LedgerEvent<T>[], effect: BatchEffect<T>): Promise<boolean[]> {
    let fresh: LedgerEvent<T>[];
    try {
      fresh = await this.commitBatch(consumer, events, effect, false);
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
      fresh = await this.commitBatch(consumer, events, effect, true);
    }
    const applied = new Set(fresh);
    const skipped = events.length - fresh.length;
    if (skipped > 0) this.logger.debug({ consumer, skipped }, 'duplicate events skipped');
    return events.map((event) => applied.has(event));
  }

  private commitBatch<T>(consumer: string, events: LedgerEvent<T>[], effect: BatchEffect<T>, readFirst: boolean): Promise<LedgerEvent<T>[]> {
    const idOf = (event: LedgerEvent<T>) => `${consumer}:${event.envelope.id}`;
    return runTransaction(this.connection, async (session) => {
      const done = new Set<string>();
      if (readFirst) {
        const seen = await this.ledger.find({ _id: { $in: events.map(idOf) } }, { _id: 1 }).session(session).lean<{ _id: string }[]>();
        for (const entry of seen) done.add(entry._id);
      }
      // Also drops a second copy of one event within the batch.
      const unseen = events.filter((event) => !done.has(idOf(event)) && done.add(idOf(event)));
      if (unseen.length === 0) return unseen;
      const now = new Date();
      await this.ledger.insertMany(unseen.map((event) => ({ _id: idOf(event), processed_at: now })), { session, lean: true });
      await effect(session, unseen);
      return unseen;
    });
  }
}
