import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import {
  AppError,
  createEnvelope,
  EventTopics,
  Limits,
  type Actor,
  type MessageCreatedData,
  type MessageCreatePayload,
  type MessageCreateResult,
  type MessageListPayload,
  type MessageView,
  type Page,
} from '@parley/contracts';
import { decodeCursor, encodeCursor } from '@parley/database';
import { Outbox } from '@parley/kafka';
import { ContentSanitizer } from './content-sanitizer.js';
import { MessagesRepository } from './messages.repository.js';
import { RoomAccess } from './room-access.js';
import { toMessageView, type StoredMessage } from './message.view.js';

type SeqCursor = { s: number };

/** Storing and reading messages. */
@Injectable()
export class MessagesService {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly messages: MessagesRepository,
    private readonly access: RoomAccess,
    private readonly sanitizer: ContentSanitizer,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Stores a message and its `parley.message.created` event in one transaction. A retry with the
   * same clientMessageId returns the stored message and stores nothing.
   */
  async create(actor: Actor, payload: MessageCreatePayload, correlationId?: string): Promise<MessageCreateResult> {
    const { room, conversationId } = await this.access.memberRoom(actor, payload.roomId);
    const content = this.sanitizer.clean(payload.content ?? '');
    if (!content) throw AppError.badRequest('content', 'content must not be empty');
    if (content.length > Limits.contentMaxLength) {
      throw AppError.badRequest('content', `content must be at most ${Limits.contentMaxLength} characters`);
    }
    // A retry is caught by the unique index on clientMessageId rather than a read before every send.
    const clientMessageId = payload.clientMessageId ?? null;
    const by = { ...actor, conversationId: conversationId.toHexString() };
    try {
      const message = await this.connection.transaction(async (session) => {
        const seq = await this.messages.nextSeq(room._id, session);
        const stored = await this.messages.insert(
          {
            account_id: actor.accountId,
            room_id: room._id,
            seq,
            conversation_id: conversationId,
            user_id: actor.userId,
            content,
            source: payload.source ?? 'chat',
            attachments: payload.attachments ?? [],
            client_message_id: clientMessageId,
            receivers: room.members.map((member) => member.conversation_id),
            deleted: false,
            deleted_by: [],
          },
          session,
        );
        const view = toMessageView(stored);
        const data: MessageCreatedData = {
          room_id: view.room_id,
          message: view,
          receivers: stored.receivers.map((receiver) => receiver.toHexString()),
        };
        await this.outbox.add(
          session,
          [createEnvelope({ type: EventTopics.MessageCreated, accountId: actor.accountId, key: view.room_id, actor: by, data })],
          correlationId,
        );
        return view;
      });
      return { created: true, message };
    } catch (error) {
      // A retry, or a concurrent twin, with the same clientMessageId: answer with the stored message.
      if ((error as { code?: number }).code !== 11000 || !clientMessageId) throw error;
      const winner = await this.messages.findByClientMessageId(actor.accountId, conversationId, clientMessageId);
      if (!winner) throw error;
      return this.replay(winner, room._id.toHexString());
    }
  }

  /** A page of a room's messages, newest first, with cursors both ways. */
  async list(actor: Actor, payload: MessageListPayload): Promise<Page<MessageView>> {
    const { room, conversationId } = await this.access.memberRoom(actor, payload.roomId);
    const limit = Math.min(payload.limit ?? Limits.pageSizeDefault, Limits.pageSizeMax);
    const before = payload.before ? decodeCursor<SeqCursor>(payload.before, 'before', { s: 'number' }) : undefined;
    const after = payload.after ? decodeCursor<SeqCursor>(payload.after, 'after', { s: 'number' }) : undefined;
    const found = await this.messages.page(actor.accountId, room._id, conversationId, {
      beforeSeq: before?.s,
      afterSeq: after?.s,
      limit: limit + 1,
    });
    const more = found.length > limit;
    const page = after ? found.slice(Math.max(0, found.length - limit)) : found.slice(0, limit);
    const cursorOf = (message: StoredMessage) => encodeCursor({ s: message.seq });
    const newest = page[0];
    const oldest = page[page.length - 1];
    return {
      data: page.map(toMessageView),
      next: oldest && (after || more) ? cursorOf(oldest) : null,
      previous: newest ? cursorOf(newest) : (payload.after ?? null),
    };
  }

  private replay(message: StoredMessage, roomId: string): MessageCreateResult {
    if (message.room_id.toHexString() !== roomId) {
      throw AppError.conflict('clientMessageId was already used for a message in another room');
    }
    return { created: false, message: toMessageView(message) };
  }
}
