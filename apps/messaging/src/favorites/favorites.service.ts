import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import {
  AppError,
  createEnvelope,
  EventTopics,
  Limits,
  type Actor,
  type FavoriteListPayload,
  type FavoriteMessageView,
  type FavoriteSetPayload,
  type MessageUpdatedData,
  type Page,
} from '@parley/contracts';
import { onePosition, runTransaction, timeCursor, timePosition } from '@parley/database';
import { Outbox } from '@parley/kafka';
import { MessageAccess } from '../messages/message-access.js';
import { isVisibleTo, toMessageView } from '../messages/message.view.js';
import { MessagesRepository } from '../messages/messages.repository.js';
import { toPage } from '../messages/paging.js';
import { RoomAccess } from '../messages/room-access.js';
import { toFavoriteView } from './favorite.view.js';
import { FavoritesRepository, type StoredFavorite } from './favorites.repository.js';


/** Each user's favorite messages. */
@Injectable()
export class FavoritesService {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly outbox: Outbox,
    private readonly favorites: FavoritesRepository,
    private readonly messages: MessagesRepository,
    private readonly messageAccess: MessageAccess,
    private readonly rooms: RoomAccess,
  ) {}

  /**
   * Favorites or unfavorites a message the caller may read; both are idempotent. A change is told to
   * the caller's other devices (`parley.message.updated` with `member_state`); a repeat tells nobody.
   */
  async set(actor: Actor, payload: FavoriteSetPayload, correlationId?: string): Promise<{ message_id: string; favorite: boolean }> {
    const { message, conversationId } = await this.messageAccess.readable(actor, payload.messageId);
    if (payload.favorite && message.deleted) throw AppError.conflict('The message was deleted');
    const view = toMessageView(message);
    const memberId = conversationId.toHexString();
    const data: MessageUpdatedData = { room_id: view.room_id, message: view, receivers: [memberId], member_state: { conversation_id: memberId, favorite: payload.favorite } };
    try {
      await runTransaction(this.connection, async (session) => {
        const changed = payload.favorite
          ? await this.favorites.add(actor.accountId, conversationId, { id: message._id, roomId: message.room_id }, session)
          : await this.favorites.remove(actor.accountId, conversationId, message._id, session);
        if (!changed) return;
        const by = { ...actor, conversationId: memberId };
        await this.outbox.add(session, [createEnvelope({ type: EventTopics.MessageUpdated, accountId: actor.accountId, key: view.room_id, actor: by, data })], correlationId);
      });
    } catch (error) {
      // A concurrent twin favorited it first: it is a favorite, which is all this call promised (and its devices were told).
      if ((error as { code?: number }).code !== 11000 || !payload.favorite) throw error;
    }
    return { message_id: view.id, favorite: payload.favorite };
  }

  /**
   * The caller's favorites, newest favorited first, in rooms they still belong to. A favorite whose
   * message they can no longer see is left out of its page (the cursors stay right).
   */
  async list(actor: Actor, payload: FavoriteListPayload): Promise<Page<FavoriteMessageView>> {
    const limit = Math.min(payload.limit ?? Limits.pageSizeDefault, Limits.pageSizeMax);
    onePosition({ before: payload.before, after: payload.after });
    const before = payload.before ? timePosition(payload.before, 'before') : undefined;
    const after = payload.after ? timePosition(payload.after, 'after') : undefined;
    const { conversationId, roomIds } = await this.rooms.memberRoomIds(actor);
    if (!conversationId || roomIds.length === 0) return { data: [], next: null, previous: payload.after ?? null };
    const found = await this.favorites.page(actor.accountId, conversationId, roomIds, { before, after, limit: limit + 1 });
    const cursorOf = (favorite: StoredFavorite) => timeCursor(favorite.favorited_at, favorite._id);
    const page = toPage(found, limit, after !== undefined, cursorOf, (favorite) => favorite, payload.after ?? null);
    const messages = await this.messages.findByIds(actor.accountId, page.data.map((favorite) => favorite.message_id));
    const byId = new Map(messages.map((message) => [message._id.toHexString(), message]));
    const data = page.data.flatMap((favorite) => {
      const message = byId.get(favorite.message_id.toHexString());
      return message && isVisibleTo(message, conversationId) ? [toFavoriteView(favorite, message)] : [];
    });
    return { ...page, data };
  }
}
