import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Types, type Model } from 'mongoose';
import { DeadLetter, type DeadLetterReplay } from '@parley/database';

export type StoredDeadLetter = DeadLetter & { _id: Types.ObjectId };

/** Dead letters kept for operators (`ops.dead_letters`). */
@Injectable()
export class DeadLettersRepository {
  constructor(@InjectModel(DeadLetter.name) private readonly deadLetters: Model<DeadLetter>) {}

  /** Keeps one; the same dead-letter message read again (a redelivery) keeps nothing new. */
  async keep(entry: Omit<DeadLetter, 'replayed'>): Promise<void> {
    await this.deadLetters.updateOne({ source: entry.source }, { $setOnInsert: { ...entry, replayed: null } }, { upsert: true });
  }

  /**
   * An account's dead letters, optionally of one topic, read outward from the cursor: newest kept
   * first, or from `before` on to older ones; from `after`, the newer ones nearest it first.
   */
  async page(
    accountId: string,
    query: { topic?: string; before?: Types.ObjectId; after?: Types.ObjectId; limit: number },
  ): Promise<StoredDeadLetter[]> {
    const filter: Record<string, unknown> = { account_id: accountId };
    if (query.topic) filter.topic = query.topic;
    if (query.before) filter._id = { $lt: query.before };
    if (query.after) filter._id = { $gt: query.after };
    const direction = query.after ? 1 : -1;
    return this.deadLetters.find(filter).sort({ _id: direction }).limit(query.limit).lean<StoredDeadLetter[]>();
  }

  async findOfAccount(accountId: string, id: Types.ObjectId): Promise<StoredDeadLetter | null> {
    return this.deadLetters.findOne({ _id: id, account_id: accountId }).lean<StoredDeadLetter>();
  }

  /** Records the first replay; null when one was recorded already (a concurrent replay won). */
  async markReplayed(accountId: string, id: Types.ObjectId, replay: DeadLetterReplay): Promise<StoredDeadLetter | null> {
    return this.deadLetters
      .findOneAndUpdate({ _id: id, account_id: accountId, replayed: null }, { $set: { replayed: replay } }, { returnDocument: 'after' })
      .lean<StoredDeadLetter>();
  }
}
