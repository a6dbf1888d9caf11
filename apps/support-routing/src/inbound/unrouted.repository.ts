import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, Types } from 'mongoose';
import { UnroutedInbound } from '@parley/database';

export type StoredUnrouted = UnroutedInbound & { _id: Types.ObjectId };

/** Inbound SMS and email that no inbox owned (`support.unrouted`). */
@Injectable()
export class UnroutedRepository {
  constructor(@InjectModel(UnroutedInbound.name) private readonly unrouted: Model<UnroutedInbound>) {}

  /** Keeps one; the provider's retry of the same message keeps nothing new. */
  async keep(entry: Omit<UnroutedInbound, 'received_at'>): Promise<void> {
    await this.unrouted.updateOne({ channel: entry.channel, external_id: entry.external_id }, { $setOnInsert: entry }, { upsert: true });
  }

  /** An account's unrouted inbound, newest first. */
  async ofAccount(accountId: string, limit: number): Promise<StoredUnrouted[]> {
    return this.unrouted.find({ account_id: accountId }).sort({ received_at: -1, _id: -1 }).limit(limit).lean<StoredUnrouted[]>();
  }
}
