import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { LRUCache } from 'lru-cache';
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
  /** A user's conversation id never changes once made, so it is looked up once per user. */
  private readonly conversationIds = new LRUCache<string, Types.ObjectId>({ max: 50_000 });

  constructor(
    @InjectModel(Room.name) private readonly rooms: Model<Room>,
    @InjectModel(Conversation.name) private readonly conversations: Model<Conversation>,
  ) {}

  async memberRoom(actor: Actor, roomIdText: string): Promise<MemberRoom> {
    const roomId = toObjectId(roomIdText, 'id');
    const [room, me] = await Promise.all([
      this.rooms.findOne({ _id: roomId, account_id: actor.accountId, deleted: false }).lean<MemberRoom['room']>(),
      this.conversationOf(actor),
    ]);
    if (!room) throw AppError.notFound('room');
    if (!me || !room.members.some((member) => member.conversation_id.equals(me))) {
      throw AppError.forbidden('You are not a member of this room');
    }
    return { room, conversationId: me };
  }

  /** The caller's conversation and the ids of every live room they belong to now. */
  async memberRoomIds(actor: Actor): Promise<{ conversationId: Types.ObjectId | null; roomIds: Types.ObjectId[] }> {
    const conversationId = await this.conversationOf(actor);
    if (!conversationId) return { conversationId, roomIds: [] };
    const rooms = await this.rooms
      .find({ account_id: actor.accountId, 'members.conversation_id': conversationId, deleted: false }, { _id: 1 })
      .lean<{ _id: Types.ObjectId }[]>();
    return { conversationId, roomIds: rooms.map((room) => room._id) };
  }

  /** The caller's conversation id in their account, or null before they first used the chat. */
  async conversationOf(actor: Actor): Promise<Types.ObjectId | null> {
    const key = `${actor.accountId}\u0000${actor.userId}`;
    const cached = this.conversationIds.get(key);
    if (cached) return cached;
    const found = await this.conversations
      .findOne({ account_id: actor.accountId, user_id: actor.userId }, { _id: 1 })
      .lean<{ _id: Types.ObjectId }>();
    if (found) this.conversationIds.set(key, found._id);
    return found?._id ?? null;
  }
}
