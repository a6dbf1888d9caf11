import { Injectable } from '@nestjs/common';
import {
  AppError,
  Limits,
  type Actor,
  type FavoriteListPayload,
  type FavoriteMessageView,
  type FavoriteSetPayload,
  type Page,
} from '@parley/contracts';
import { decodeCursor, encodeCursor, onePosition, toObjectId } from '@parley/database';
import { MessageAccess } from '../messages/message-access.js';
import { isVisibleTo } from '../messages/message.view.js';
import { MessagesRepository } from '../messages/messages.repository.js';
import { toPage } from '../messages/paging.js';
import { RoomAccess } from '../messages/room-access.js';
import { toFavoriteView } from './favorite.view.js';
import { FavoritesRepository, type FavoritePosition, type StoredFavorite } from './favorites.repository.js';

type FavoriteCursor = { t: number; id: string };

/** Each user's favorite messages. */
@Injectable()
export class FavoritesService {
  constructor(
    private readonly favorites: FavoritesRepository,
    private readonly messages: MessagesRepository,
    private readonly messageAccess: MessageAccess,
    private readonly rooms: RoomAccess,
  ) {}

  /** Favorites or unfavorites a message the caller may read; both are idempotent. */
  async set(actor: Actor, payload: FavoriteSetPayload): Promise<{ message_id: string; favorite: boolean }> {
    const { message, conversationId } = await this.messageAccess.readable(actor, payload.messageId);
    if (payload.favorite) {
      if (message.deleted) throw AppError.conflict('The message was deleted');
      await this.favorites.add(actor.accountId, conversationId, { id: message._id, roomId: message.room_id });
    } else {
      await this.favorites.remove(actor.accountId, conversationId, message._id);
    }
    return { message_id: message._id.toHexString(), favorite: payload.favorite };
  }

  /**
   * The caller's favorites, newest favorited first, in rooms they still belong to. A favorite whose
   * message they can no longer see is left out of its page (the cursors stay right).
   */
  async list(actor: Actor, payload: FavoriteListPayload): Promise<Page<FavoriteMessageView>> {
    const limit = Math.min(payload.limit ?? Limits.pageSizeDefault, Limits.pageSizeMax);
    onePosition({ before: payload.before, after: payload.after });
    const before = payload.before ? favoritePosition(payload.before, 'before') : undefined;
    const after = payload.after ? favoritePosition(payload.after, 'after') : undefined;
    const { conversationId, roomIds } = await this.rooms.memberRoomIds(actor);
    if (!conversationId || roomIds.length === 0) return { data: [], next: null, previous: payload.after ?? null };
    const found = await this.favorites.page(actor.accountId, conversationId, roomIds, { before, after, limit: limit + 1 });
    const cursorOf = (favorite: StoredFavorite) => encodeCursor({ t: favorite.favorited_at.getTime(), id: favorite._id.toHexString() });
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

function favoritePosition(cursor: string, field: string): FavoritePosition {
  const decoded = decodeCursor<FavoriteCursor>(cursor, field, { t: 'number', id: 'string' });
  const at = new Date(decoded.t);
  if (Number.isNaN(at.getTime())) throw AppError.badRequest(field, `${field} is not a valid cursor`);
  return { at, id: toObjectId(decoded.id, field) };
}
