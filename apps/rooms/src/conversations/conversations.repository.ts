import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, Types } from 'mongoose';
import { Conversation } from '@parley/database';

export type StoredConversation = Conversation & { _id: Types.ObjectId };

/** Conversations of one account; every query names the account. */
@Injectable()
export class ConversationsRepository {
  constructor(@InjectModel(Conversation.name) private readonly conversations: Model<Conversation>) {}

  /** The user's conversation, created on first use (concurrent first uses get the same one). */
  async ensure(accountId: string, userId: string): Promise<StoredConversation> {
    const found = await this.conversations
      .findOneAndUpdate(
        { account_id: accountId, user_id: userId },
        { $setOnInsert: { account_id: accountId, user_id: userId } },
        { upsert: true, returnDocument: 'after', setDefaultsOnInsert: true },
      )
      .lean<StoredConversation>()
      .catch(async (error: { code?: number }) => {
        // Two first uses raced the unique index: the loser reads the winner's document.
        if (error.code !== 11000) throw error;
        return this.conversations.findOne({ account_id: accountId, user_id: userId }).lean<StoredConversation>();
      });
    if (!found) throw new Error('conversation upsert returned nothing');
    return found;
  }

  async findByUser(accountId: string, userId: string): Promise<StoredConversation | null> {
    return this.conversations.findOne({ account_id: accountId, user_id: userId }).lean<StoredConversation>();
  }

  async findManyById(accountId: string, ids: Types.ObjectId[]): Promise<StoredConversation[]> {
    return this.conversations.find({ _id: { $in: ids }, account_id: accountId }).lean<StoredConversation[]>();
  }

  /** Conversations by id, whatever their account (callers match the account themselves). */
  async findManyByIds(ids: Types.ObjectId[]): Promise<StoredConversation[]> {
    if (ids.length === 0) return [];
    return this.conversations.find({ _id: { $in: ids } }).lean<StoredConversation[]>();
  }

  async findById(accountId: string, id: Types.ObjectId): Promise<StoredConversation | null> {
    return this.conversations.findOne({ _id: id, account_id: accountId }).lean<StoredConversation>();
  }
}
