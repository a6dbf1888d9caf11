import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { ClientSession, Connection, Types } from 'mongoose';
import { AppError, readableName, Scopes, type Actor, type RoomCreatePayload, type RoomView } from '@parley/contracts';
import { runTransaction, toObjectId } from '@parley/database';
import { Outbox } from '@parley/kafka';
import { ConversationsRepository, type StoredConversation } from '../conversations/conversations.repository.js';
import { roomCreatedEvent, roomUpdatedEvent } from './room-events.js';
import { RoomsRepository } from './rooms.repository.js';
import { RoomsService } from './rooms.service.js';
import { toRoomView, type StoredRoom } from './room.view.js';

function requireAdmin(actor: Actor, action: string): void {
  if (!actor.scopes.includes(Scopes.Admin)) throw AppError.forbidden(`Only an admin (scope ${Scopes.Admin}) may ${action}`);
}

function isDuplicateName(error: unknown): boolean {
  const duplicate = error as { code?: number; keyPattern?: Record<string, unknown> };
  return duplicate.code === 11000 && !!duplicate.keyPattern && 'name_key' in duplicate.keyPattern;
}

function member(conversation: StoredConversation, lastMessageRead: Types.ObjectId | null = null) {
  return { conversation_id: conversation._id, user_id: conversation.user_id, last_message_read: lastMessageRead, joined: new Date(), favorite: false, snoozed_until: null };
}

/** What makes two channel names the same: case. */
function channelNameKey(name: string): string {
  return name.toLowerCase();
}

/**
 * Channels: named rooms of many members. Admins create, rename and delete them; members add
 * others; an admin removes anyone and a member may leave. Names are unique per account among
 * live channels (409 on a clash).
 */
@Injectable()
export class ChannelsService {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly rooms: RoomsRepository,
    private readonly conversations: ConversationsRepository,
    private readonly roomsService: RoomsService,
    private readonly outbox: Outbox,
  ) {}

  async create(actor: Actor, payload: RoomCreatePayload, correlationId?: string): Promise<{ created: boolean; room: RoomView }> {
    requireAdmin(actor, 'create a channel');
    if (!(payload.name ?? '').trim()) throw AppError.badRequest('name', 'name is required for a channel');
    const name = readableName(payload.name as string, 'name');
    const me = await this.conversations.ensure(actor.accountId, actor.userId);
    const others = await this.accountConversations(actor.accountId, payload.members ?? [], 'members');
    const everyone = [me, ...others.filter((other) => !other._id.equals(me._id))];
    try {
      const room = await runTransaction(this.connection, async (session) => {
        const stored = await this.rooms.insert(
          {
            account_id: actor.accountId,
            type: 'channel',
            name,
            name_key: channelNameKey(name),
            members: everyone.map((conversation) => member(conversation)),
            unread_count: everyone.map((conversation) => ({ conversation_id: conversation._id, count: 0, last_read_seq: 0 })),
            last_activity: new Date(),
          },
          session,
        );
        await this.outbox.add(session, [roomCreatedEvent(stored, this.by(actor, me))], correlationId);
        return stored;
      });
      return { created: true, room: toRoomView(room, me._id) };
    } catch (error) {
      if (isDuplicateName(error)) throw AppError.conflict(`A channel named "${name}" already exists`);
      throw error;
    }
  }

  async rename(actor: Actor, roomIdText: string, nameText: string, correlationId?: string): Promise<RoomView> {
    requireAdmin(actor, 'rename a channel');
    const name = readableName(nameText, 'name');
    const { room, me } = await this.channel(actor, roomIdText);
    try {
      const updated = await this.change(actor, me, room, { $set: { name, name_key: channelNameKey(name) } }, correlationId);
      return toRoomView(updated, me._id);
    } catch (error) {
      if (isDuplicateName(error)) throw AppError.conflict(`A channel named "${name}" already exists`);
      throw error;
    }
  }

  /** Soft-deletes a channel: it leaves every list, its messages stay for the record. */
  async remove(actor: Actor, roomIdText: string, correlationId?: string): Promise<void> {
    requireAdmin(actor, 'delete a channel');
    const { room, me } = await this.channel(actor, roomIdText);
    await runTransaction(this.connection, async (session) => {
      const deleted = await this.rooms.update(actor.accountId, room._id, { $set: { deleted: true } }, session);
      if (!deleted) throw AppError.notFound('room');
      await this.outbox.add(session, [roomUpdatedEvent({ ...deleted, deleted: true }, this.by(actor, me))], correlationId);
    });
  }

  async addMembers(actor: Actor, roomIdText: string, memberIds: string[], correlationId?: string): Promise<RoomView> {
    const { room, me } = await this.channel(actor, roomIdText, { memberOrAdmin: true });
    const wanted = await this.accountConversations(actor.accountId, memberIds, 'members');
    const added = wanted.filter((conversation) => !room.members.some((existing) => existing.conversation_id.equals(conversation._id)));
    if (added.length === 0) return toRoomView(room, me._id);
    const updated = await this.change(
      actor,
      me,
      room,
      {
        $push: {
          // New members start with everything so far read (their read mark on the room's last message,
          // as their count says): history they were not sent is not unread, nor is what a member put
          // back in saw before they were taken out.
          members: { $each: added.map((conversation) => member(conversation, room.last_message_id)) },
          unread_count: {
            $each: added.map((conversation) => ({ conversation_id: conversation._id, count: 0, last_read_seq: room.last_message_seq, receipt_seq: room.last_message_seq })),
          },
        },
      },
      correlationId,
      { added: added.map((conversation) => conversation._id.toHexString()) },
    );
    return toRoomView(updated, me._id);
  }

  async removeMember(actor: Actor, roomIdText: string, conversationIdText: string, correlationId?: string): Promise<RoomView> {
    const target = toObjectId(conversationIdText, 'conversationId');
    const { room, me } = await this.channel(actor, roomIdText, { memberOrAdmin: true });
    if (!target.equals(me._id)) requireAdmin(actor, 'remove another member');
    if (!room.members.some((existing) => existing.conversation_id.equals(target))) throw AppError.notFound('member of this room');
    const updated = await this.change(
      actor,
      me,
      room,
      { $pull: { members: { conversation_id: target }, unread_count: { conversation_id: target } } },
      correlationId,
      { removed: [target.toHexString()] },
    );
    return toRoomView(updated, me._id);
  }

  private async change(
    actor: Actor,
    me: StoredConversation,
    room: StoredRoom,
    update: Record<string, unknown>,
    correlationId: string | undefined,
    membership: { added?: string[]; removed?: string[] } = {},
  ): Promise<StoredRoom> {
    return runTransaction(this.connection, async (session: ClientSession) => {
      const updated = await this.rooms.update(actor.accountId, room._id, update, session);
      if (!updated) throw AppError.notFound('room');
      // Nobody could reach a channel without members again (there is no directory), and it would hold
      // its name for ever; the transaction also catches two last members leaving at once.
      if (updated.members.length === 0) throw AppError.conflict('The last member of a channel cannot leave it: an admin may delete the channel instead');
      await this.outbox.add(session, [roomUpdatedEvent(updated, this.by(actor, me), membership.removed, membership.added)], correlationId);
      return updated;
    });
  }

  /** A live channel of the caller's account; members (or admins, where allowed) only. */
  private async channel(actor: Actor, roomIdText: string, options: { memberOrAdmin?: boolean } = {}): Promise<{ room: StoredRoom; me: StoredConversation }> {
    const roomId = toObjectId(roomIdText, 'id');
    const room = await this.rooms.findById(actor.accountId, roomId);
    if (!room) throw AppError.notFound('room');
    if (room.type !== 'channel') throw AppError.conflict(`This is a ${room.type} room: only channels are renamed, deleted or change members`);
    const isAdmin = actor.scopes.includes(Scopes.Admin);
    if (isAdmin || !options.memberOrAdmin) {
      return { room, me: await this.conversations.ensure(actor.accountId, actor.userId) };
    }
    return this.roomsService.memberRoom(actor, roomIdText);
  }

  /** The named conversations, all of the caller's account: an unknown or foreign one is a 422 naming the field. */
  private async accountConversations(accountId: string, ids: string[], field: string): Promise<StoredConversation[]> {
    const objectIds: Types.ObjectId[] = ids.map((id) => toObjectId(id, field));
    const found = await this.conversations.findManyById(accountId, objectIds);
    if (found.length !== new Set(ids).size) throw AppError.unprocessable(field, `${field} names a conversation that is not of this account`);
    return found;
  }

  private by(actor: Actor, me: StoredConversation): Actor {
    return { ...actor, conversationId: me._id.toHexString() };
  }
}
