import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { ClientSession, Model } from 'mongoose';
import { CORRELATION_ID_HEADER, type EventEnvelope } from '@parley/contracts';
import { afterCommit, OutboxEntry } from '@parley/database';
import { currentTraceHeaders, type TraceHeaders } from '@parley/platform';
import { OutboxRelay } from './outbox-relay.js';

/** An event to emit, with what caused it: the request's correlation id and, when tracing, its span. */
export interface OutboxEvent {
  envelope: EventEnvelope;
  correlationId?: string;
  /**
   * The span that caused it, for events written on behalf of several causes at once (a group
   * commit): each keeps its own. Without it, the span active when it is added.
   */
  trace?: TraceHeaders;
}

/**
 * The one way an app emits events: they are written to the app's outbox inside the caller's
 * transaction (runTransaction), so a state change and its events commit together. Once it has
 * committed, the OutboxRelay publishes them at once; an attempt that aborted (and was retried)
 * publishes nothing. A crash between the commit and the publish loses nothing: the relay's sweep
 * sends what is still unsent. Each entry keeps the headers its event travels with (the correlation
 * id, the W3C trace context), so whoever publishes it, whenever, the trace goes on.
 */
@Injectable()
export class Outbox {
  /** The next entry's position: rising through this process's life, so the sweep keeps the order entries were written in. */
  private positions = 0;

  constructor(
    @InjectModel(OutboxEntry.name) private readonly entries: Model<OutboxEntry>,
    private readonly relay: OutboxRelay,
  ) {}

  /** Queues events in the given transaction, all caused by one request. */
  async add(session: ClientSession, envelopes: EventEnvelope[], correlationId?: string, trace?: TraceHeaders): Promise<void> {
    await this.addEach(session, envelopes.map((envelope) => ({ envelope, correlationId, trace })));
  }

  /** Queues events of several requests (a group commit) in one write, each with its own correlation id and span. */
  async addEach(session: ClientSession, events: OutboxEvent[]): Promise<void> {
    if (events.length === 0) return;
    const now = new Date();
    const active = currentTraceHeaders();
    const first = this.positions;
    this.positions += events.length;
    const entries: OutboxEntry[] = events.map(({ envelope, correlationId, trace }, index) => ({
      _id: envelope.id,
      topic: envelope.type,
      key: envelope.key,
      envelope: envelope as unknown as Record<string, unknown>,
      headers: headersOf(correlationId, trace ?? active),
      created_at: now,
      position: first + index,
      published_at: null,
    }));
    await this.entries.insertMany(entries, { session, lean: true });
    afterCommit(session, () => this.relay.publishCommitted(entries));
  }
}

function headersOf(correlationId: string | undefined, trace: TraceHeaders | undefined): Record<string, string> {
  const headers: Record<string, string> = correlationId ? { [CORRELATION_ID_HEADER]: correlationId } : {};
  return trace ? Object.assign(headers, trace) : headers;
}
