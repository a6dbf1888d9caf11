import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { ClientSession, Model, Types } from 'mongoose';
import { Reminder } from '@parley/database';

export type StoredReminder = Reminder & { _id: Types.ObjectId };

/** Reminders on messages. Queries name the account, except the scheduler's, which serves every account. */
@Injectable()
export class RemindersRepository {
  constructor(@InjectModel(Reminder.name) private readonly reminders: Model<Reminder>) {}

  async insert(reminder: Omit<Reminder, 'status' | 'fired_at' | 'fired_by' | 'cancelled_at' | 'created' | 'updated'>): Promise<StoredReminder> {
    const created = await this.reminders.create({ ...reminder, status: 'pending', fired_at: null, fired_by: null, cancelled_at: null });
    return created.toObject() as StoredReminder;
  }

  /** One of a conversation's reminders on a message, or null: someone else's is not found. */
  async findOwn(accountId: string, conversationId: Types.ObjectId, messageId: Types.ObjectId, id: Types.ObjectId): Promise<StoredReminder | null> {
    return this.reminders
      .findOne({ _id: id, account_id: accountId, conversation_id: conversationId, message_id: messageId })
      .lean<StoredReminder>();
  }

  /** A conversation's pending reminders in some rooms, soonest first, after a position. */
  async pendingOf(
    accountId: string,
    conversationId: Types.ObjectId,
    roomIds: Types.ObjectId[],
    after: { at: Date; id: Types.ObjectId } | undefined,
    limit: number,
  ): Promise<StoredReminder[]> {
    const filter: Record<string, unknown> = { account_id: accountId, conversation_id: conversationId, status: 'pending', room_id: { $in: roomIds } };
    if (after) filter.$or = [{ at: { $gt: after.at } }, { at: after.at, _id: { $gt: after.id } }];
    return this.reminders.find(filter).sort({ at: 1, _id: 1 }).limit(limit).lean<StoredReminder[]>();
  }

  /** Cancels a reminder if it is still pending; returns whether this call cancelled it. */
  async cancel(accountId: string, id: Types.ObjectId, session?: ClientSession): Promise<boolean> {
    const result = await this.reminders.updateOne(
      { _id: id, account_id: accountId, status: 'pending' },
      { $set: { status: 'cancelled', cancelled_at: new Date() } },
      { session },
    );
    return result.modifiedCount === 1;
  }

  /** Cancels the pending reminders on a message: every conversation's, or only one's. */
  async cancelForMessage(accountId: string, messageId: Types.ObjectId, session: ClientSession, conversationId?: Types.ObjectId): Promise<void> {
    await this.reminders.updateMany(
      {
        account_id: accountId,
        message_id: messageId,
        status: 'pending',
        ...(conversationId ? { conversation_id: conversationId } : {}),
      },
      { $set: { status: 'cancelled', cancelled_at: new Date() } },
      { session },
    );
  }

  /** Whether any pending reminder is due: one indexed read, so an idle poll opens no transaction. */
  async anyDue(now: Date): Promise<boolean> {
    return (await this.reminders.exists({ status: 'pending', at: { $lte: now } })) !== null;
  }

  /**
   * Claims the oldest due pending reminder for the caller's transaction (pending → fired). Two
   * schedulers claiming the same one conflict, and the loser's transaction retries on the next.
   */
  async claimDue(now: Date, firedBy: string, session: ClientSession): Promise<StoredReminder | null> {
    return this.reminders
      .findOneAndUpdate(
        { status: 'pending', at: { $lte: now } },
        { $set: { status: 'fired', fired_at: now, fired_by: firedBy } },
        { sort: { at: 1 }, returnDocument: 'after', session },
      )
      .lean<StoredReminder>();
  }

  /** Turns a reminder claimed in this transaction into a cancelled one (its message is gone for its owner). */
  async markCancelled(accountId: string, id: Types.ObjectId, session: ClientSession): Promise<void> {
    await this.reminders.updateOne({ _id: id, account_id: accountId }, { $set: { status: 'cancelled', fired_at: null, fired_by: null, cancelled_at: new Date() } }, { session });
  }
}
