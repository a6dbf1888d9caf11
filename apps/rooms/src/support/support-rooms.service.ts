import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Types, type ClientSession, type Connection, type UpdateQuery } from 'mongoose';
import {
  AppError,
  contactKey,
  readableName,
  Scopes,
  type Actor,
  type RoomView,
  type DirectContactRoomOpenPayload,
  type SupportContact,
  type SupportRoomOpenPayload,
  type SupportUpdatedData,
} from '@parley/contracts';
import { runTransaction, toAssignmentDecision, toObjectId, type Room } from '@parley/database';
import { Outbox, type LedgerEvent } from '@parley/kafka';
import { ConversationsRepository } from '../conversations/conversations.repository.js';
import { roomCreatedEvent, roomUpdatedEvent } from '../rooms/room-events.js';
import { RoomsRepository } from '../rooms/rooms.repository.js';
import { toRoomView, type StoredRoom } from '../rooms/room.view.js';
import { SupportInboxesRepository } from './support-inboxes.repository.js';

/**
 * Support rooms as rooms: opening one per contact, mirroring the support state support-routing
 * decides (assignee as the room's one member), and letting the inbox's team see them.
 */
@Injectable()
export class SupportRoomsService {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly rooms: RoomsRepository,
    private readonly conversations: ConversationsRepository,
    private readonly support: SupportInboxesRepository,
    private readonly outbox: Outbox,
  ) {}

  /**
   * The contact's open support room, or a new one in the inbox (announced by `parley.room.created`,
   * which support-routing routes). Concurrent opens for one contact end with one room.
   */
  async open(actor: Actor, payload: SupportRoomOpenPayload, correlationId?: string): Promise<{ created: boolean; room: RoomView }> {
    const inboxId = toObjectId(payload.inbox_id, 'inbox_id');
    const [inbox, contact, caller] = await Promise.all([
      this.support.findLive(actor.accountId, inboxId),
      this.knownContact(actor.accountId, payload.contact),
      this.conversations.findByUser(actor.accountId, actor.userId),
    ]);
    if (!inbox) throw AppError.unprocessable('inbox_id', 'inbox_id names no live inbox of this account');
    // Opened through the API (not by an inbound SMS or email, which names written_to): by an admin,
    // or a member of the inbox, as every other inbox route is; the answer is the contact's room.
    const byTeam = payload.written_to === undefined && !actor.scopes.includes(Scopes.Admin);
    const works = (team: Types.ObjectId[]) => caller !== null && team.some((member) => member.equals(caller._id));
    if (byTeam && !works(inbox.members.map((member) => member.conversation_id))) throw AppError.forbidden('You are not a member of this inbox');
    const key = contactKey(contact);
    const viewer = caller?._id ?? null;
    const existing = await this.rooms.findOpenSupportRoom(actor.accountId, key);
    if (existing && byTeam && !works(existing.support?.team ?? [])) {
      throw AppError.forbidden('This contact has an open conversation in an inbox you are not a member of');
    }
    // Inboxes keep their addresses in lower case (routing matches them so).
    const writtenTo = payload.written_to && { ...payload.written_to, address: payload.written_to.channel === 'email' ? payload.written_to.address.toLowerCase() : payload.written_to.address };
    if (existing) {
      if (writtenTo && existing.support?.written_to?.[writtenTo.channel] !== writtenTo.address) {
        await this.rooms.noteWrittenTo(actor.accountId, existing._id, { ...existing.support?.written_to, [writtenTo.channel]: writtenTo.address });
      }
      return { created: false, room: toRoomView(existing, viewer) };
    }
    const team = inbox.members.map((member) => member.conversation_id);
    try {
      const room = await runTransaction(this.connection, async (session) => {
        const stored = await this.rooms.insert(
          {
            account_id: actor.accountId,
            type: 'support',
            name: contact.name ?? contact.phone ?? contact.email ?? null,
            members: [],
            unread_count: [],
            support: {
              inbox_id: inboxId,
              contact,
              contact_key: key,
              written_to: writtenTo ? { [writtenTo.channel]: writtenTo.address } : null,
              status: 'open',
              assignee: null,
              assignment: null,
              first_response_at: null,
              resolved_at: null,
              team,
              version: 0,
            },
            last_activity: new Date(),
          },
          session,
        );
        // The envelope names the opener's conversation when they have one (an inbound webhook's actor has none).
        const by = caller ? { ...actor, conversationId: caller._id.toHexString() } : actor;
        await this.outbox.add(session, [roomCreatedEvent(stored, by)], correlationId);
        return stored;
      });
      return { created: true, room: toRoomView(room, viewer) };
    } catch (error) {
      // A concurrent open for the same contact won the unique index: theirs is the room.
      if ((error as { code?: number }).code !== 11000) throw error;
      const winner = await this.rooms.findOpenSupportRoom(actor.accountId, key);
      if (!winner) throw error;
      return { created: false, room: toRoomView(winner, viewer) };
    }
  }

  /**
   * The direct room of the account's default inbound conversation with a contact (an SMS or email
   * to an address no inbox owns), opened if there is none: the conversation is its one member and
   * holds it; answers go out from the address the contact wrote to. One per conversation and contact.
   */
  async openDirect(actor: Actor, payload: DirectContactRoomOpenPayload, correlationId?: string): Promise<{ created: boolean; room: RoomView }> {
    const holderId = toObjectId(payload.conversation_id, 'conversation_id');
    const [holder, contact] = await Promise.all([
      this.conversations.findById(actor.accountId, holderId),
      this.knownContact(actor.accountId, payload.contact),
    ]);
    if (!holder) throw AppError.notFound('conversation');
    const key = contactKey(contact);
    const pair = `${holder._id.toHexString()}:${key}`;
    const existing = await this.rooms.findPairRoom(actor.accountId, 'direct', pair, null);
    if (existing) return { created: false, room: toRoomView(existing, holder._id) };
    try {
      const room = await runTransaction(this.connection, async (session) => {
        const stored = await this.rooms.insert(
          {
            account_id: actor.accountId,
            type: 'direct',
            name: contact.name ?? contact.phone ?? contact.email ?? null,
            pair,
            members: [{ conversation_id: holder._id, user_id: holder.user_id, last_message_read: null, joined: new Date(), favorite: false, snoozed_until: null }],
            unread_count: [{ conversation_id: holder._id, count: 0, last_read_seq: 0 }],
            support: {
              inbox_id: null,
              reply_from: payload.reply_from,
              contact,
              contact_key: key,
              status: 'open',
              assignee: holder._id,
              assignment: null,
              first_response_at: null,
              resolved_at: null,
              team: [],
              version: 0,
            },
            last_activity: new Date(),
          },
          session,
        );
        await this.outbox.add(session, [roomCreatedEvent(stored, actor)], correlationId);
        return stored;
      });
      return { created: true, room: toRoomView(room, holder._id) };
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
      const winner = await this.rooms.findPairRoom(actor.accountId, 'direct', pair, null);
      if (!winner) throw error;
      return { created: false, room: toRoomView(winner, holder._id) };
    }
  }

  /**
   * Mirrors support-routing's state of rooms onto them (a batch of `parley.support.updated`):
   * status, assignee (the room's one member), why, response times and the team. Only the newest
   * state of each room counts, and one older than the state applied changes nothing.
   */
  async applySupportUpdates(events: LedgerEvent<SupportUpdatedData>[], session: ClientSession): Promise<void> {
    const newest = new Map<string, LedgerEvent<SupportUpdatedData>>();
    for (const event of events) {
      const key = `${event.envelope.accountId}\u0000${event.envelope.data.room_id}`;
      const seen = newest.get(key);
      if (!seen || seen.envelope.data.version < event.envelope.data.version) newest.set(key, event);
    }
    const latest = [...newest.values()];
    const rooms = await this.rooms.findManyById(
      latest.map(({ envelope }) => ({ accountId: envelope.accountId, roomId: toObjectId(envelope.data.room_id, 'room_id') })),
      session,
    );
    const assignees = latest.flatMap(({ envelope }) => (envelope.data.support.assignee ? [toObjectId(envelope.data.support.assignee, 'support.assignee')] : []));
    const holders = new Map((await this.conversations.findManyByIds(assignees)).map((holder) => [`${holder.account_id}\u0000${holder._id.toHexString()}`, holder]));
    const changes: { accountId: string; roomId: Types.ObjectId; version: number; update: UpdateQuery<Room>; removed: string[]; added: string[] }[] = [];
    for (const { envelope } of latest) {
      const { data } = envelope;
      const room = rooms.get(`${envelope.accountId}\u0000${data.room_id}`);
      if (!room?.support || room.support.version >= data.version) continue;
      const assignee = data.support.assignee ? toObjectId(data.support.assignee, 'support.assignee') : null;
      const holder = assignee ? holders.get(`${envelope.accountId}\u0000${assignee.toHexString()}`) : undefined;
      const kept = room.members.filter((member) => assignee && member.conversation_id.equals(assignee));
      const members =
        kept.length > 0 || !holder
          ? kept
          : [{ conversation_id: holder._id, user_id: holder.user_id, last_message_read: null, joined: new Date(), favorite: false, snoozed_until: null }];
      const unread = members.map(
        (member) =>
          room.unread_count.find((entry) => entry.conversation_id.equals(member.conversation_id)) ?? {
            conversation_id: member.conversation_id,
            // A new assignee has read nothing of the room yet.
            count: room.last_message_seq,
            last_read_seq: 0,
          },
      );
      const assignment = data.support.assignment;
      // Who sees the room (its members and the inbox's team) before and after: who left is told
      // once more, and to who came, it is a new room.
      const before = new Set([...room.members.map((member) => member.conversation_id.toHexString()), ...room.support.team.map((id) => id.toHexString())]);
      const after = new Set([...members.map((member) => member.conversation_id.toHexString()), ...data.team]);
      changes.push({
        accountId: envelope.accountId,
        roomId: room._id,
        version: data.version,
        removed: [...before].filter((viewer) => !after.has(viewer)),
        added: [...after].filter((viewer) => !before.has(viewer)),
        update: {
          $set: {
            members,
            unread_count: unread,
            'support.status': data.support.status,
            'support.assignee': assignee,
            'support.assignment': assignment ? toAssignmentDecision(assignment) : null,
            'support.first_response_at': data.support.first_response_at ? new Date(data.support.first_response_at) : null,
            'support.resolved_at': data.support.resolved_at ? new Date(data.support.resolved_at) : null,
            'support.team': data.team.map((id) => toObjectId(id, 'team')),
            'support.version': data.version,
          },
        },
      });
    }
    const updated = await this.rooms.updateEachIfOlder(changes, session);
    const causes = new Map(latest.map((event) => [event.envelope.data.room_id, event.correlationId]));
    await this.outbox.addEach(
      session,
      updated.map(({ room, removed, added }) => ({ envelope: roomUpdatedEvent(room, null, removed, added), correlationId: causes.get(room._id.toHexString()) })),
    );
  }

  /**
   * Whether a conversation sees a support room without being its member: it works the room's inbox
   * (with the support scope) or administers the account.
   */
  async isTeamViewer(actor: Actor, room: StoredRoom, viewer: Types.ObjectId | null): Promise<boolean> {
    if (room.type !== 'support' || !room.support) return false;
    if (actor.scopes.includes(Scopes.Admin)) return true;
    if (!viewer || !actor.scopes.includes(Scopes.Support)) return false;
    if (!room.support.inbox_id) return false;
    const inbox = await this.support.findLive(room.account_id, room.support.inbox_id);
    return !!inbox?.members.some((member) => member.conversation_id.equals(viewer));
  }

  /**
   * The contact as given, completed from the CRM: by id (a 422 if the CRM has no such contact), else
   * by number or address, so one customer who texts and then emails is one contact with one room.
   */
  private async knownContact(accountId: string, given: SupportContact): Promise<SupportContact> {
    if (!given.id && !given.phone && !given.email) throw AppError.badRequest('contact', 'contact needs an id, a phone or an email');
    // The name becomes the room's name in every teammate's list: it must read as it is.
    if (given.name !== undefined) given = { ...given, name: readableName(given.name, 'contact.name') };
    const known = given.id
      ? await this.support.findContact(accountId, toObjectId(given.id, 'contact.id'))
      : await this.support.findContactByAddress(accountId, given);
    if (!known) {
      if (given.id) throw AppError.unprocessable('contact.id', 'contact.id names no contact of this account in the CRM');
      return { ...given };
    }
    const contact: SupportContact = { id: known._id.toHexString() };
    const name = known.name ?? given.name;
    const phone = known.phone ?? given.phone;
    const email = known.email ?? given.email;
    if (name) contact.name = name;
    if (phone) contact.phone = phone;
    if (email) contact.email = email;
    return contact;
  }
}
