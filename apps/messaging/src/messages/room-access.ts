import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { LRUCache } from 'lru-cache';
import type { Model, Types } from 'mongoose';
import { AppError, Scopes, type Actor } from '@parley/contracts';
import { Conversation, outcomeOfSync, Room, SupportInbox, toObjectId, type Outcome } from '@parley/database';

export interface MemberRoom {
  room: Room & { _id: Types.ObjectId };
  conversationId: Types.ObjectId;
  /** A support room the caller works through its inbox (or as an admin) without being its member. */
  team?: boolean;
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
    @InjectModel(SupportInbox.name) private readonly inboxes: Model<SupportInbox>,
  ) {}

  async memberRoom(actor: Actor, roomIdText: string): Promise<MemberRoom> {
    const [outcome] = await this.memberRooms([{ actor, roomId: roomIdText }]);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  /**
   * memberRoom for several callers at once (a group commit of sends) with one read of the rooms:
   * each request gets its own room, or its own 400, 404 or 403.
   */
  async memberRooms(requests: { actor: Actor; roomId: string }[]): Promise<Outcome<MemberRoom>[]> {
    const ids = requests.map(({ roomId }) => outcomeOfSync(() => toObjectId(roomId, 'id')));
    const wanted = new Map<string, Types.ObjectId[]>();
    requests.forEach(({ actor }, index) => {
      const id = ids[index];
      if (id.ok) wanted.set(actor.accountId, [...(wanted.get(actor.accountId) ?? []), id.value]);
    });
    const [rooms, conversations] = await Promise.all([
      wanted.size === 0
        ? []
        : this.rooms
            .find({ $or: [...wanted].map(([accountId, roomIds]) => ({ account_id: accountId, _id: { $in: roomIds } })), deleted: false })
            .lean<MemberRoom['room'][]>(),
      Promise.all(requests.map(({ actor }) => this.conversationOf(actor))),
    ]);
    const byId = new Map(rooms.map((room) => [`${room.account_id}\u0000${room._id.toHexString()}`, room]));
    const roomOf = (actor: Actor, index: number) => {
      const id = ids[index];
      return id.ok ? byId.get(`${actor.accountId}\u0000${id.value.toHexString()}`) : undefined;
    };
    const teams = await this.supportTeams(
      requests.flatMap(({ actor }, index) => {
        const room = roomOf(actor, index);
        const me = conversations[index];
        const outsider = room?.support && me && !room.members.some((member) => member.conversation_id.equals(me));
        return outsider && room.support?.inbox_id ? [room.support.inbox_id] : [];
      }),
    );
    return requests.map(({ actor }, index) =>
      outcomeOfSync(() => {
        const id = ids[index];
        if (!id.ok) throw id.error;
        const room = roomOf(actor, index);
        if (!room) throw AppError.notFound('room');
        const me = conversations[index];
        if (me && room.members.some((member) => member.conversation_id.equals(me))) return { room, conversationId: me };
        if (me && room.support && this.worksInbox(actor, me, teams.get(room.support.inbox_id?.toHexString() ?? ''))) {
          return { room, conversationId: me, team: true };
        }
        throw AppError.forbidden('You are not a member of this room');
      }),
    );
  }

  /** The members of support inboxes (written by support-routing, read here), by inbox id. */
  private async supportTeams(inboxIds: Types.ObjectId[]): Promise<Map<string, Types.ObjectId[]>> {
    if (inboxIds.length === 0) return new Map();
    const inboxes = await this.inboxes
      .find({ _id: { $in: inboxIds }, deleted: false }, { members: 1 })
      .lean<{ _id: Types.ObjectId; members: { conversation_id: Types.ObjectId }[] }[]>();
    return new Map(inboxes.map((inbox) => [inbox._id.toHexString(), inbox.members.map((member) => member.conversation_id)]));
  }

  /** An admin works every inbox; a support agent the inboxes they are a member of. */
  private worksInbox(actor: Actor, me: Types.ObjectId, team: Types.ObjectId[] | undefined): boolean {
    if (actor.scopes.includes(Scopes.Admin)) return true;
    return actor.scopes.includes(Scopes.Support) && !!team?.some((member) => member.equals(me));
  }

  /** A live room of an account, whoever asks (for events, which carry their account). */
  async roomOfAccount(accountId: string, roomId: Types.ObjectId): Promise<MemberRoom['room'] | null> {
    return this.rooms.findOne({ _id: roomId, account_id: accountId, deleted: false }).lean<MemberRoom['room']>();
  }

  /** A support room of the caller's account, whoever the caller is (they speak for its contact): 404 otherwise. */
  async supportRoom(actor: Actor, roomIdText: string): Promise<MemberRoom['room']> {
    const room = await this.rooms
      .findOne({ _id: toObjectId(roomIdText, 'id'), account_id: actor.accountId, deleted: false })
      .lean<MemberRoom['room']>();
    if (!room) throw AppError.notFound('room');
    if (!room.support) throw AppError.badRequest('id', 'only support rooms (and direct rooms with a contact) have a contact');
    return room;
  }

  /**
   * The caller's conversation and the ids of every live room they belong to now; with `team`, also
   * the support rooms they work through an inbox's team (with the support scope), as search reads them.
   */
  async memberRoomIds(actor: Actor, { team = false } = {}): Promise<{ conversationId: Types.ObjectId | null; roomIds: Types.ObjectId[] }> {
    const conversationId = await this.conversationOf(actor);
    if (!conversationId) return { conversationId, roomIds: [] };
    const worksInboxes = team && actor.scopes.includes(Scopes.Support);
    const rooms = await this.rooms
      .find(
        {
          account_id: actor.accountId,
          ...(worksInboxes ? { $or: [{ 'members.conversation_id': conversationId }, { type: 'support', 'support.team': conversationId }] } : { 'members.conversation_id': conversationId }),
          deleted: false,
        },
        { _id: 1 },
      )
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
