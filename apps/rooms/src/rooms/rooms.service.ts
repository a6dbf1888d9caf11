import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { ClientSession, Connection, Types } from 'mongoose';
import {
  AppError,
  createEnvelope,
  EventTopics,
  Limits,
  type Actor,
  type EventEnvelope,
  type MessageCreatedData,
  type MessageDeletedData,
  type Page,
  type RoomCreatePayload,
  type RoomListPayload,
  type RoomReadData,
  type RoomView,
  type ServiceReadMark,
} from '@parley/contracts';
import { cutPage, decodeCursor, encodeCursor, onePosition, runTransaction, toObjectId } from '@parley/database';
import { Outbox, type LedgerEvent } from '@parley/kafka';
import { ConversationsRepository, type StoredConversation } from '../conversations/conversations.repository.js';
import { UsersRepository } from '../conversations/users.repository.js';
import { SupportRoomsService } from '../support/support-rooms.service.js';
import { memberStateEvent, roomCreatedEvent, roomUpdatedEvent } from './room-events.js';
import { RoomsRepository, type RoomPagePosition, type UncountedMessage } from './rooms.repository.js';
import { toRoomView, type StoredRoom } from './room.view.js';

/** The caller's room and conversation, once membership is checked. */
export interface MemberRoom {
  room: StoredRoom;
  me: StoredConversation;
}

/** Rooms and read state: what the rooms app does for commands and for message events. */
@Injectable()
export class RoomsService {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly rooms: RoomsRepository,
    private readonly conversations: ConversationsRepository,
    private readonly users: UsersRepository,
    private readonly outbox: Outbox,
    private readonly supportRooms: SupportRoomsService,
  ) {}

  /**
   * Gets or creates the one room of a pair: the direct room of two members, or their room about
   * one listing. Concurrent creates of the same pair end with one room.
   */
  async createPairRoom(actor: Actor, payload: RoomCreatePayload, correlationId?: string): Promise<{ created: boolean; room: RoomView }> {
    const type = payload.type === 'listing' ? 'listing' : 'direct';
    const listingId = type === 'listing' ? (payload.listing_id ?? null) : null;
    if (type === 'listing' && !listingId) throw AppError.badRequest('listing_id', 'listing_id is required for a listing room');
    const me = await this.conversations.ensure(actor.accountId, actor.userId);
    const otherId = toObjectId(payload.member ?? '', 'member');
    if (otherId.equals(me._id)) throw AppError.unprocessable('member', 'member must be another conversation than your own');
    const other = await this.conversations.findById(actor.accountId, otherId);
    if (!other) throw AppError.unprocessable('member', 'member names no conversation of this account');
    const pair = [me._id.toHexString(), other._id.toHexString()].sort().join(':');

    const existing = await this.rooms.findPairRoom(actor.accountId, type, pair, listingId);
    if (existing) return { created: false, room: toRoomView(existing, me._id) };
    try {
      const room = await runTransaction(this.connection, async (session) => {
        const stored = await this.rooms.insert(
          {
            account_id: actor.accountId,
            type,
            pair,
            listing_id: listingId,
            members: [me, other].map((member) => ({
              conversation_id: member._id,
              user_id: member.user_id,
              last_message_read: null,
              joined: new Date(),
              favorite: false,
              snoozed_until: null,
            })),
            unread_count: [me, other].map((member) => ({ conversation_id: member._id, count: 0, last_read_seq: 0 })),
            last_activity: new Date(),
          },
          session,
        );
        await this.outbox.add(session, [roomCreatedEvent(stored, { ...actor, conversationId: me._id.toHexString() })], correlationId);
        return stored;
      });
      return { created: true, room: toRoomView(room, me._id) };
    } catch (error) {
      // A concurrent create of the same pair won the unique index: return its room.
      if ((error as { code?: number }).code !== 11000) throw error;
      const winner = await this.rooms.findPairRoom(actor.accountId, type, pair, listingId);
      if (winner) return { created: false, room: toRoomView(winner, me._id) };
      // No live room holds the key: the pair's thread about this listing was closed (a service deactivated it).
      if (type === 'listing' && 'listing_id' in ((error as { keyPattern?: object }).keyPattern ?? {})) {
        throw AppError.conflict('This pair’s thread about the listing is closed; a service of the account can reactivate it (/m2m/conversationthread)', 'listing_id');
      }
      throw error;
    }
  }

  /** The caller's rooms, most recent activity first, each with the caller's unread count. */
  async list(actor: Actor, payload: RoomListPayload): Promise<Page<RoomView>> {
    onePosition({ before: payload.before, after: payload.after });
    const me = await this.conversations.findByUser(actor.accountId, actor.userId);
    if (!me) return { data: [], next: null, previous: null };
    const limit = Math.min(payload.limit ?? Limits.pageSizeDefault, Limits.pageSizeMax);
    const shape = { t: 'number', id: 'string' } as const;
    const before = payload.before ? decodeCursor<RoomPagePosition>(payload.before, 'before', shape) : undefined;
    const after = payload.after ? decodeCursor<RoomPagePosition>(payload.after, 'after', shape) : undefined;
    if (before) toObjectId(before.id, 'before');
    if (after) toObjectId(after.id, 'after');
    const searchUserIds = payload.search ? await this.users.idsMatching(actor.accountId, payload.search) : undefined;
    const rooms = await this.rooms.listForMember(
      actor.accountId,
      me._id,
      { before, after, limit: limit + 1 },
      { type: payload.type, unread: payload.unread, mentioned: payload.mentioned, favorite: payload.favorite, search: payload.search, searchUserIds, listingId: payload.listing_id },
    );
    return cutPage(
      rooms,
      { limit, from: after ? 'after' : before ? 'before' : 'start' },
      (room: StoredRoom) => encodeCursor({ t: room.last_activity.getTime(), id: room._id.toHexString() }),
      (room) => toRoomView(room, me._id, Limits.roomListMemberLimit),
    );
  }

  /**
   * One room the caller belongs to (or, for a support room, works the inbox of): 404 if it is not
   * in their account, 403 otherwise.
   */
  async get(actor: Actor, roomIdText: string): Promise<RoomView> {
    const room = await this.rooms.findById(actor.accountId, toObjectId(roomIdText, 'id'));
    if (!room) throw AppError.notFound('room');
    const me = await this.conversations.findByUser(actor.accountId, actor.userId);
    const member = !!me && room.members.some((entry) => entry.conversation_id.equals(me._id));
    if (!member && !(await this.supportRooms.isTeamViewer(actor, room, me?._id ?? null))) {
      throw AppError.forbidden('You are not a member of this room');
    }
    return toRoomView(room, me?._id ?? null);
  }

  /** Marks the room read by the caller up to a message, and tells the other members. */
  async markRead(actor: Actor, roomIdText: string, messageIdText: string, correlationId?: string): Promise<RoomView> {
    const messageId = toObjectId(messageIdText, 'messageId');
    const { room: snapshot, me } = await this.memberRoom(actor, roomIdText);
    const message = await this.rooms.findMessage(actor.accountId, snapshot._id, messageId);
    if (!message) throw AppError.unprocessable('messageId', 'messageId names no message of this room');
    const room = await runTransaction(this.connection, async (session) => {
      const current = (await this.rooms.findById(actor.accountId, snapshot._id, session)) ?? snapshot;
      const moved = await this.rooms.markRead(actor.accountId, current, me._id, { id: message._id, seq: message.seq }, session);
      const updated = (await this.rooms.findById(actor.accountId, snapshot._id, session)) ?? current;
      const by = { ...actor, conversationId: me._id.toHexString() };
      // Read again after a mark unread, short of the receipt: only the reader's own badge moved.
      if (moved && !moved.receiptMoved) await this.outbox.add(session, [memberStateEvent(updated, me._id, by)], correlationId);
      if (moved?.receiptMoved) {
        const data: RoomReadData = {
          room_id: updated._id.toHexString(),
          conversation_id: me._id.toHexString(),
          message_id: message._id.toHexString(),
          members: updated.members.map((member) => member.conversation_id.toHexString()),
        };
        await this.outbox.add(
          session,
          [createEnvelope({ type: EventTopics.RoomRead, accountId: actor.accountId, key: data.room_id, actor: by, data }), roomUpdatedEvent(updated, by)],
          correlationId,
        );
      }
      return updated;
    });
    return toRoomView(room, me._id);
  }

  /**
   * Marks the room unread for the caller from a message on: their unread and mention counts are
   * taken again from there, and only their own devices are told (the others keep the read receipt
   * they saw). Listing rooms are a 409: their read state is the marketplace's (the m2m endpoints).
   */
  async markUnread(actor: Actor, roomIdText: string, messageIdText: string, correlationId?: string): Promise<RoomView> {
    const messageId = toObjectId(messageIdText, 'messageId');
    const { room: snapshot, me } = await this.memberRoom(actor, roomIdText);
    if (snapshot.type === 'listing') throw AppError.conflict('A listing room is marked read and unread by the marketplace: use the m2m endpoints');
    // Only a message the caller was sent: history from before they joined was never theirs to read.
    const message = await this.rooms.findMessage(actor.accountId, snapshot._id, messageId, snapshot.type === 'support' ? undefined : me._id);
    if (!message) throw AppError.unprocessable('messageId', 'messageId names no message of this room that was sent to you');
    const room = await runTransaction(this.connection, async (session) => {
      const current = (await this.rooms.findById(actor.accountId, snapshot._id, session)) ?? snapshot;
      if (!(await this.rooms.markUnreadBy(actor.accountId, current, me._id, message.seq, session))) return current;
      const updated = (await this.rooms.findById(actor.accountId, snapshot._id, session)) ?? current;
      await this.outbox.add(session, [memberStateEvent(updated, me._id, { ...actor, conversationId: me._id.toHexString() })], correlationId);
      return updated;
    });
    return toRoomView(room, me._id);
  }

  /** Favorites or unfavorites a room for the caller only. */
  async setFavorite(actor: Actor, roomIdText: string, favorite: boolean): Promise<RoomView> {
    const { room, me } = await this.memberRoom(actor, roomIdText);
    const updated = await this.changeMemberState(actor, room, me._id, { 'members.$[me].favorite': favorite });
    return toRoomView(updated ?? room, me._id);
  }

  /** Snoozes a room for the caller until a time (null ends the snooze); unread still counts. */
  async setSnooze(actor: Actor, roomIdText: string, untilText: string | null): Promise<RoomView> {
    const until = untilText === null ? null : new Date(untilText);
    if (until && Number.isNaN(until.getTime())) throw AppError.badRequest('until', 'until must be a time');
    if (until && until.getTime() <= Date.now()) throw AppError.unprocessable('until', 'until must be a time in the future');
    const { room, me } = await this.memberRoom(actor, roomIdText);
    const updated = await this.changeMemberState(actor, room, me._id, { 'members.$[me].snoozed_until': until });
    return toRoomView(updated ?? room, me._id);
  }

  /** Sets one member's own settings of a room, and tells that member's devices. */
  private async changeMemberState(actor: Actor, room: StoredRoom, member: Types.ObjectId, set: Record<string, unknown>): Promise<StoredRoom | null> {
    return runTransaction(this.connection, async (session) => {
      const updated = await this.rooms.update(actor.accountId, room._id, { $set: set }, session, { arrayFilters: [{ 'me.conversation_id': member }] });
      if (updated) await this.outbox.add(session, [memberStateEvent(updated, member, { ...actor, conversationId: member.toHexString() })]);
      return updated;
    });
  }

  /**
   * Applies stored messages (a batch of `parley.message.created`, all of one account or not) to
   * their rooms, last message and unread counts, and announces each room's new state once.
   */
  async applyMessagesCreated(events: LedgerEvent<MessageCreatedData>[], session: ClientSession): Promise<void> {
    const byAccount = new Map<string, LedgerEvent<MessageCreatedData>[]>();
    for (const event of events) {
      const ofAccount = byAccount.get(event.envelope.accountId);
      if (ofAccount) ofAccount.push(event);
      else byAccount.set(event.envelope.accountId, [event]);
    }
    for (const [accountId, ofAccount] of byAccount) {
      const rooms = await this.rooms.applyMessages(
        accountId,
        ofAccount.map(({ envelope: { data } }) => ({
          roomId: toObjectId(data.room_id, 'room_id'),
          id: toObjectId(data.message.id, 'message.id'),
          seq: data.message.seq,
          author: data.message.conversation_id === null ? null : toObjectId(data.message.conversation_id, 'message.conversation_id'),
          mentions: (data.message.mentions ?? []).map((mentioned) => toObjectId(mentioned, 'message.mentions')),
          mentionsEveryone: data.message.mention_everyone === true,
          created: new Date(data.message.created),
        })),
        session,
      );
      // Each room's update carries the correlation id (and span) of the last message that moved it.
      const causes = new Map(ofAccount.map((event) => [event.envelope.data.room_id, event]));
      await this.outbox.addEach(
        session,
        rooms.map((room) => {
          const cause = causes.get(room._id.toHexString());
          return { envelope: roomUpdatedEvent(room, null), correlationId: cause?.correlationId, trace: cause?.trace };
        }),
      );
    }
  }

  /**
   * Read marks a service set (the m2m endpoints, relayed by the gateway once messaging stored them):
   * each reader's read mark moves up to their message (never back) and their unread count is
   * recounted, as their own read mark would; each room's members are told. Within the caller's account.
   */
  async applyServiceReads(
    actor: Actor,
    { reads, unreads, recounts }: { reads: ServiceReadMark[]; unreads: ServiceReadMark[]; recounts: string[] },
    correlationId?: string,
  ): Promise<{ applied: number }> {
    let applied = 0;
    // A message a service marked unread: its reader's read mark goes back to just before it (as
    // Stream's mark-unread does), and the count follows.
    for (const unread of unreads) {
      const roomId = toObjectId(unread.room_id, 'unreads.room_id');
      const message = await this.rooms.findMessage(actor.accountId, roomId, toObjectId(unread.message_id, 'unreads.message_id'));
      if (!message) continue;
      const reader = toObjectId(unread.conversation_id, 'unreads.conversation_id');
      const moved = await runTransaction(this.connection, async (session) =>
        (await this.rooms.markUnreadFrom(actor.accountId, roomId, reader, message.seq, session)) ? this.recounted(actor, roomId, session, correlationId) : false,
      );
      if (moved) applied++;
    }
    // A message a service took back from deletion is unread again for whoever had not read past it.
    for (const roomIdText of recounts) {
      const roomId = toObjectId(roomIdText, 'recounts');
      if (await runTransaction(this.connection, (session) => this.recounted(actor, roomId, session, correlationId))) applied++;
    }
    for (const read of reads) {
      const roomId = toObjectId(read.room_id, 'reads.room_id');
      const message = await this.rooms.findMessage(actor.accountId, roomId, toObjectId(read.message_id, 'reads.message_id'));
      if (!message) continue;
      const reader = toObjectId(read.conversation_id, 'reads.conversation_id');
      const moved = await runTransaction(this.connection, async (session) => {
        const room = await this.rooms.findById(actor.accountId, roomId, session);
        if (!room || !(await this.rooms.markRead(actor.accountId, room, reader, { id: message._id, seq: message.seq }, session))) return false;
        const updated = (await this.rooms.findById(actor.accountId, roomId, session)) ?? room;
        await this.outbox.add(session, [roomUpdatedEvent(updated, null)], correlationId);
        return true;
      });
      if (moved) applied++;
    }
    return { applied };
  }

  /** Counts a room's unread messages again for every reader and tells its members; false if the room is gone. */
  private async recounted(actor: Actor, roomId: Types.ObjectId, session: ClientSession, correlationId?: string): Promise<boolean> {
    const room = await this.rooms.recountUnread(actor.accountId, roomId, session);
    if (room) await this.outbox.add(session, [roomUpdatedEvent(room, null)], correlationId);
    return room !== null;
  }

  /** A message deleted for everyone, or hidden from one member, stops counting as unread for them; badges follow. */
  async applyMessageDeleted(envelope: EventEnvelope<MessageDeletedData>, session: ClientSession, correlationId?: string): Promise<void> {
    const { data } = envelope;
    // Hidden from someone after it was deleted for everyone: their count let it go with that delete.
    if (data.for === 'me' && (data.deleted_for_everyone || !data.conversation_id)) return;
    const roomId = toObjectId(data.room_id, 'room_id');
    const message = await this.rooms.findMessage(envelope.accountId, roomId, toObjectId(data.message_id, 'message_id'));
    if (!message) return;
    const readers: UncountedMessage['readers'] =
      data.for === 'me'
        ? { only: toObjectId(data.conversation_id as string, 'conversation_id') }
        : { except: (data.hidden_from ?? []).map((hidden) => toObjectId(hidden, 'hidden_from')) };
    const room = await this.rooms.uncountMessage(envelope.accountId, roomId, { seq: message.seq, author: message.conversation_id, mentions: message.mentions ?? [], mentionsEveryone: message.mention_everyone === true, readers }, session);
    if (!room) return;
    await this.outbox.add(session, [roomUpdatedEvent(room, null)], correlationId);
  }

  /** The room and the caller's conversation: 404 outside their account, 403 when not a member. */
  async memberRoom(actor: Actor, roomIdText: string): Promise<MemberRoom> {
    const roomId = toObjectId(roomIdText, 'id');
    const room = await this.rooms.findById(actor.accountId, roomId);
    if (!room) throw AppError.notFound('room');
    const me = await this.conversations.findByUser(actor.accountId, actor.userId);
    if (!me || !room.members.some((member) => member.conversation_id.equals(me._id))) {
      throw AppError.forbidden('You are not a member of this room');
    }
    return { room, me };
  }
}
