import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { ClientSession, Model, Types } from 'mongoose';
import { Message } from '@parley/database';

/**
 * Messages of support rooms (written by messaging, read here): a room's first messages may be stored
 * before support-routing hears the room was opened, so opening looks them up.
 */
@Injectable()
export class RoomMessagesRepository {
  constructor(@InjectModel(Message.name) private readonly messages: Model<Message>) {}

  /**
   * For each room: when the contact first wrote, and when the team first answered after that (not
   * counting notes). Rooms just opened hold a message or two, so their messages are read whole.
   */
  async firstExchanges(
    accountId: string,
    roomIds: Types.ObjectId[],
    session: ClientSession,
  ): Promise<Map<string, { contactAt: Date | null; responseAt: Date | null }>> {
    const found = new Map<string, { contactAt: Date | null; responseAt: Date | null }>();
    if (roomIds.length === 0) return found;
    const messages = await this.messages
      .find({ account_id: accountId, room_id: { $in: roomIds } }, { room_id: 1, conversation_id: 1, private: 1, created: 1 })
      .sort({ room_id: 1, seq: 1 })
      .session(session)
      .lean<{ room_id: Types.ObjectId; conversation_id: Types.ObjectId | null; private?: boolean; created: Date }[]>();
    for (const message of messages) {
      const key = message.room_id.toHexString();
      const entry = found.get(key) ?? { contactAt: null, responseAt: null };
      if (message.conversation_id === null) entry.contactAt ??= message.created;
      else if (entry.contactAt && !entry.responseAt && !message.private) entry.responseAt = message.created;
      found.set(key, entry);
    }
    return found;
  }
}
