import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { ClientSession, Model } from 'mongoose';
import { CORRELATION_ID_HEADER, type EventEnvelope } from '@parley/contracts';
import { OutboxEntry } from '@parley/database';

/**
 * The one way an app emits events: they are written to the app's outbox inside the caller's
 * transaction, so a state change and its events commit together, and the OutboxRelay publishes
 * them after the commit. A crash between the two loses nothing.
 */
@Injectable()
export class Outbox {
  constructor(@InjectModel(OutboxEntry.name) private readonly entries: Model<OutboxEntry>) {}

  /** Queues events in the given transaction, all caused by one request. */
  async add(session: ClientSession, envelopes: EventEnvelope[], correlationId?: string): Promise<void> {
    await this.addEach(session, envelopes.map((envelope) => ({ envelope, correlationId })));
  }

  /** Queues events of several requests (a group commit) in one write, each with its own correlation id. */
  async addEach(session: ClientSession, events: { envelope: EventEnvelope; correlationId?: string }[]): Promise<void> {
    if (events.length === 0) return;
    const now = new Date();
    await this.entries.insertMany(
      events.map(({ envelope, correlationId }) => ({
        _id: envelope.id,
        topic: envelope.type,
        key: envelope.key,
        envelope,
        headers: correlationId ? { [CORRELATION_ID_HEADER]: correlationId } : {},
        created_at: now,
        published_at: null,
      })),
      { session, lean: true },
    );
  }
}
