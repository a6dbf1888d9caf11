import { Injectable } from '@nestjs/common';
import { AppError, type Actor } from '@parley/contracts';
import { toObjectId } from '@parley/database';
import type { StoredMessage } from './message.view.js';
import { MessagesRepository } from './messages.repository.js';
import { RoomAccess, type MemberRoom } from './room-access.js';

export interface MessageInRoom extends MemberRoom {
  message: StoredMessage;
}

/**
 * Who may touch one message. Another account's message, or one hidden from the caller, is a 404
 * (it does not exist for them); a message of a room they are not in, or were not in when it was
 * sent, is a 403.
 */
@Injectable()
export class MessageAccess {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly rooms: RoomAccess,
  ) {}

  /** A message of the caller's account, whoever may read it. */
  async inAccount(actor: Actor, messageIdText: string): Promise<StoredMessage> {
    const message = await this.messages.findById(actor.accountId, toObjectId(messageIdText, 'id'));
    if (!message) throw AppError.notFound('message');
    return message;
  }

  /** A message the caller may read, with its room and the caller's conversation. `hidden` lets through one they deleted for themselves. */
  async readable(actor: Actor, messageIdText: string, options: { hidden?: boolean } = {}): Promise<MessageInRoom> {
    const message = await this.inAccount(actor, messageIdText);
    const { room, conversationId } = await this.rooms.memberRoom(actor, message.room_id.toHexString());
    // A support room's history belongs to its whole team, whenever each joined.
    if (room.type !== 'support' && !message.receivers.some((receiver) => receiver.equals(conversationId))) {
      throw AppError.forbidden('You were not in this room when the message was sent');
    }
    if (!options.hidden && message.deleted_by.some((hidden) => hidden.equals(conversationId))) {
      throw AppError.notFound('message');
    }
    return { message, room, conversationId };
  }
}
