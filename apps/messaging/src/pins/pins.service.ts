import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import {
  AppError,
  createEnvelope,
  EventTopics,
  Limits,
  type Actor,
  type MessageStateView,
  type Page,
  type PinListPayload,
  type PinSetPayload,
} from '@parley/contracts';
import { onePosition, runTransaction, timeCursor, timePosition } from '@parley/database';
import { Outbox } from '@parley/kafka';
import { MessageAccess } from '../messages/message-access.js';
import { messageUpdatedData, toMessageView, type StoredMessage } from '../messages/message.view.js';
import { MessagesRepository } from '../messages/messages.repository.js';
import { toPage } from '../messages/paging.js';
import { RoomAccess } from '../messages/room-access.js';

/** Messages pinned to their room: any member pins or unpins, and everyone in the room sees them. */
@Injectable()
export class PinsService {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly outbox: Outbox,
    private readonly messages: MessagesRepository,
    private readonly messageAccess: MessageAccess,
    private readonly rooms: RoomAccess,
  ) {}

  /**
   * Pins a message the caller may read to its room, or unpins it; both are idempotent and answer the
   * message as it is now. A change is `parley.message.updated` to every device of the room; a repeat
   * tells nobody. A message deleted for everyone takes no pin (409; unpinning it holds already), nor a
   * listing message (409: the marketplace contract), nor a room past {@link Limits.pinsPerRoomMax} pins (422).
   */
  async set(actor: Actor, payload: PinSetPayload, correlationId?: string): Promise<MessageStateView> {
    const { message, conversationId, room } = await this.messageAccess.readable(actor, payload.messageId);
    // Deleted for everyone, it is pinned no more: unpinning it holds already.
    if (message.deleted && !payload.pinned) return toMessageView(message);
    if (message.deleted) throw AppError.conflict('The message was deleted');
    if (room.type === 'listing') throw AppError.conflict('Listing messages are not pinned: they change only in read state and deletion');
    const by = { ...actor, conversationId: conversationId.toHexString() };
    return runTransaction(this.connection, async (session) => {
      // Read again inside the transaction: a concurrent pin of the room conflicts on the room's change counter and retries.
      const current = await this.messages.findById(actor.accountId, message._id, session);
      if (current?.deleted && !payload.pinned) return toMessageView(current);
      if (!current || current.deleted) throw AppError.conflict('The message was deleted');
      if (!!current.pinned === payload.pinned) return toMessageView(current);
      if (payload.pinned && (await this.messages.countPinned(current.room_id, session)) >= Limits.pinsPerRoomMax) {
        throw AppError.unprocessable('id', `a room holds at most ${Limits.pinsPerRoomMax} pinned messages: unpin one first`);
      }
      const changed = await this.messages.setPin(actor.accountId, current, payload.pinned ? { conversation_id: conversationId, at: new Date() } : null, session);
      if (!changed) throw AppError.conflict('The message was deleted');
      const data = messageUpdatedData(changed);
      await this.outbox.add(session, [createEnvelope({ type: EventTopics.MessageUpdated, accountId: actor.accountId, key: data.room_id, actor: by, data })], correlationId);
      return data.message;
    });
  }

  /** A room's pinned messages the caller may read, newest pinned first (403 for a non-member, 404 outside the account). */
  async list(actor: Actor, payload: PinListPayload): Promise<Page<MessageStateView>> {
    const { room, conversationId } = await this.rooms.memberRoom(actor, payload.roomId);
    const limit = Math.min(payload.limit ?? Limits.pageSizeDefault, Limits.pageSizeMax);
    onePosition({ before: payload.before, after: payload.after });
    const before = payload.before ? timePosition(payload.before, 'before') : undefined;
    const after = payload.after ? timePosition(payload.after, 'after') : undefined;
    const found = await this.messages.pinned(actor.accountId, room._id, conversationId, { before, after, limit: limit + 1, wholeRoom: room.type === 'support' });
    const cursorOf = (message: StoredMessage) => timeCursor((message.pinned as NonNullable<StoredMessage['pinned']>).at, message._id);
    return toPage(found, limit, after !== undefined, cursorOf, toMessageView, payload.after ?? null);
  }
}
