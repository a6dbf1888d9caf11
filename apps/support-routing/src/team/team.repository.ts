import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { ClientSession, Model, Types } from 'mongoose';
import { AppError, type Actor, type PresenceStatus } from '@parley/contracts';
import { Conversation } from '@parley/database';

/**
 * The account's team as support-routing sees it: conversations (written by rooms, read here) with
 * their presence, which rooms keeps from realtime's sockets and from the API.
 */
@Injectable()
export class TeamRepository {
  constructor(@InjectModel(Conversation.name) private readonly conversations: Model<Conversation>) {}

  /** The caller's conversation id, or null before they first used the chat. */
  async conversationOf(actor: Actor): Promise<Types.ObjectId | null> {
    const found = await this.conversations.findOne({ account_id: actor.accountId, user_id: actor.userId }, { _id: 1 }).lean<{ _id: Types.ObjectId }>();
    return found?._id ?? null;
  }

  /** Which of these conversations exist in the account. */
  async existing(accountId: string, ids: Types.ObjectId[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const found = await this.conversations.find({ account_id: accountId, _id: { $in: ids } }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
    return new Set(found.map((conversation) => conversation._id.toHexString()));
  }

  /** Every id must be a conversation of the account: a 422 naming the field (body or query) otherwise. */
  async requireInAccount(accountId: string, ids: Types.ObjectId[], field: string): Promise<void> {
    const existing = await this.existing(accountId, ids);
    const missing = ids.filter((id) => !existing.has(id.toHexString()));
    if (missing.length > 0) throw AppError.unprocessable(field, `${field} names no conversation of this account: ${missing.map((id) => id.toHexString()).join(', ')}`);
  }

  /** The members of these conversations who are online now. */
  async online(accountId: string, ids: Types.ObjectId[], session?: ClientSession): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const found = await this.conversations
      .find({ account_id: accountId, _id: { $in: ids }, status: 'online' satisfies PresenceStatus }, { _id: 1 })
      .session(session ?? null)
      .lean<{ _id: Types.ObjectId }[]>();
    return new Set(found.map((conversation) => conversation._id.toHexString()));
  }
}
