import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { ClientSession, Model, Types } from 'mongoose';
import { MessageFavorite, type TimePosition } from '@parley/database';

export type StoredFavorite = MessageFavorite & { _id: Types.ObjectId };

/** Favorite messages of one account's conversations; every query names the account. */
@Injectable()
export class FavoritesRepository {
  constructor(@InjectModel(MessageFavorite.name) private readonly favorites: Model<MessageFavorite>) {}

  /**
   * Marks a message as a favorite of a conversation, in the caller's transaction. Idempotent: a live
   * favorite keeps its time; an unfavorited one comes back on top. True if it was not a favorite.
   */
  async add(accountId: string, conversationId: Types.ObjectId, message: { id: Types.ObjectId; roomId: Types.ObjectId }, session: ClientSession): Promise<boolean> {
    const key = { account_id: accountId, conversation_id: conversationId, message_id: message.id };
    const now = new Date();
    const revived = await this.favorites.updateOne({ ...key, deleted: true }, { $set: { deleted: false, favorited_at: now } }, { session });
    if (revived.matchedCount > 0) return true;
    const inserted = await this.favorites.updateOne(
      key,
      { $setOnInsert: { room_id: message.roomId, favorited_at: now, deleted: false } },
      { upsert: true, session },
    );
    return inserted.upsertedCount > 0;
  }

  /** Unfavorites a message for a conversation (a soft delete); idempotent. True if it was a favorite. */
  async remove(accountId: string, conversationId: Types.ObjectId, messageId: Types.ObjectId, session?: ClientSession): Promise<boolean> {
    const removed = await this.favorites.updateOne(
      { account_id: accountId, conversation_id: conversationId, message_id: messageId, deleted: false },
      { $set: { deleted: true } },
      { session },
    );
    return removed.modifiedCount > 0;
  }

  /** Unfavorites a message for every conversation (it was deleted for everyone). */
  async removeForAll(accountId: string, messageId: Types.ObjectId, session: ClientSession): Promise<void> {
    await this.favorites.updateMany({ account_id: accountId, message_id: messageId, deleted: false }, { $set: { deleted: true } }, { session });
  }

  /**
   * A page of a conversation's live favorites in the given rooms, newest favorited first; `after`
   * pages toward newer ones. `limit` includes one extra to tell whether more exist.
   */
  async page(
    accountId: string,
    conversationId: Types.ObjectId,
    roomIds: Types.ObjectId[],
    page: { before?: TimePosition; after?: TimePosition; limit: number },
  ): Promise<StoredFavorite[]> {
    const filter: Record<string, unknown> = {
      account_id: accountId,
      conversation_id: conversationId,
      deleted: false,
      room_id: { $in: roomIds },
    };
    const position = page.after ?? page.before;
    if (position) {
      const op = page.after ? '$gt' : '$lt';
      filter.$or = [{ favorited_at: { [op]: position.at } }, { favorited_at: position.at, _id: { [op]: position.id } }];
    }
    const direction = page.after ? 1 : -1;
    const found = await this.favorites
      .find(filter)
      .sort({ favorited_at: direction, _id: direction })
      .limit(page.limit)
      .lean<StoredFavorite[]>();
    return direction === 1 ? found.reverse() : found;
  }
}
