import { Injectable } from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/mongoose';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { ClientSession, Connection, Model } from 'mongoose';
import type { EventEnvelope } from '@parley/contracts';
import { ProcessedEvent } from '@parley/database';

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
  async applyOnce(
    consumer: string,
    envelope: EventEnvelope,
    effect: (session: ClientSession) => Promise<void>,
  ): Promise<boolean> {
    const ledgerId = `${consumer}:${envelope.id}`;
    try {
      await this.connection.transaction(async (session) => {
        await this.ledger.create([{ _id: ledgerId, processed_at: new Date() }], { session });
        await effect(session);
      });
      return true;
    } catch (error) {
      const duplicate = error as { code?: number; keyValue?: { _id?: unknown } };
      if (duplicate.code === 11000 && duplicate.keyValue?._id === ledgerId) {
        this.logger.debug({ consumer, eventId: envelope.id }, 'duplicate event skipped');
        return false;
      }
      throw error;
    }
  }
}
