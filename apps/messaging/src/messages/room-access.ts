import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, Types } from 'mongoose';
import { AppError, type Actor } from '@parley/contracts';
import { Conversation, Room, toObjectId } from '@parley/database';

export interface MemberRoom {
  room: Room & { _id: Types.ObjectId };
  conversationId: Types.ObjectId;
}

/**
 * Who may touch a room's messages. Reads rooms and conversations (owned by the rooms app):
 * a room outside the caller's account is a 404, a room they are not a member of a 403.
 */
@Injectable()
export class RoomAccess {
  constructor(
    @InjectModel(Room.name) private readonly rooms: Model<Room>,
    @InjectModel(Conversation.name) private readonly conversations: Model<Conversation>,
  ) {}

  async memberRoom(actor: Actor, roomIdText: string): Promise<MemberRoom> {
    const roomId = toObjectId(roomIdText, 'id');
    const [room, me] = await Promise.all([
      this.rooms.findOne({ _id: roomId, account_id: actor.accountId, deleted: false }).lean<MemberRoom['room']>(),
      this.conversations
        .findOne({ account_id: actor.accountId, user_id: actor.userId }, { _id: 1 })
        .lean<{ _id: Types.ObjectId }>(),
    ]);
    if (!room) throw AppError.notFound('room');
    if (!me || !room.members.some((member) => member.conversation_id.equals(me._id))) {
      throw AppError.forbidden('You are not a member of this room');
    }
    return { room, conversationId: me._id };
  }
}
