import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { ClientSession, Model } from 'mongoose';
import { CORRELATION_ID_HEADER, type EventEnvelope } from '@parley/contracts';
import { afterCommit, OutboxEntry } from '@parley/database';
import { OutboxRelay } from './outbox-relay.js';

/**
 * The one way an app emits events: they are written to the app's outbox inside the caller's
 * transaction (runTransaction), so a state change and its events commit together. Once it has
 * committed, the OutboxRelay publishes them at once; an attempt that aborted (and was retried)
 * publishes nothing. A crash between the commit and the publish loses nothing: the relay's sweep
 * sends what is still unsent.
 */
@Injectable()
export class Outbox {
  constructor(
    @InjectModel(OutboxEntry.name) private readonly entries: Model<OutboxEntry>,
    private readonly relay: OutboxRelay,
  ) {}

  /** Queues events in the given transaction, all caused by one request. */
  async add(session: ClientSession, envelopes: EventEnvelope[], correlationId?: string): Promise<void> {
    await this.addEach(session, envelopes.map((envelope) => ({ envelope, correlationId })));
  }

  /** Queues events of several requests (a group commit) in one write, each with its own correlation id. */
  async addEach(session: ClientSession, events: { envelope: EventEnvelope; correlationId?: string }[]): Promise<void> {
    if (events.length === 0) return;
    const now = new Date();
    const entries: OutboxEntry[] = events.map(({ envelope, correlationId }) => ({
      _id: envelope.id,
      topic: envelope.type,
      key: envelope.key,
      envelope: envelope as unknown as Record<string, unknown>,
      headers: correlationId ? { [CORRELATION_ID_HEADER]: correlationId } : ({} as Record<string, string>),
      created_at: now,
      published_at: null,
    }));
    await this.entries.insertMany(entries, { session, lean: true });
    afterCommit(session, () => this.relay.publishCommitted(entries));
  }
}
