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

  /** When the contact first wrote in the room, and when the team first answered after that (not counting notes). */
  async firstExchange(accountId: string, roomId: Types.ObjectId, session: ClientSession): Promise<{ contactAt: Date | null; responseAt: Date | null }> {
    const contact = await this.messages
      .findOne({ account_id: accountId, room_id: roomId, conversation_id: null }, { created: 1 })
      .sort({ seq: 1 })
      .session(session)
      .lean<{ created: Date }>();
    if (!contact) return { contactAt: null, responseAt: null };
    const response = await this.messages
      .findOne({ account_id: accountId, room_id: roomId, conversation_id: { $ne: null }, private: { $ne: true }, created: { $gte: contact.created } }, { created: 1 })
      .sort({ seq: 1 })
      .session(session)
      .lean<{ created: Date }>();
    return { contactAt: contact.created, responseAt: response?.created ?? null };
  }
}
