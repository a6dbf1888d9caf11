import { Injectable } from '@nestjs/common';
import { Types, type ClientSession } from 'mongoose';
import {
  AppError,
  Limits,
  Scopes,
  type Actor,
  type Page,
  type SupportRoomAssignPayload,
  type SupportRoomListPayload,
  type SupportRoomView,
} from '@parley/contracts';
import { decodeCursor, encodeCursor, forwardPage, storedCandidates, toObjectId } from '@parley/database';
import { Outbox } from '@parley/kafka';
import { InboxesRepository, type StoredInbox } from '../inboxes/inboxes.repository.js';
import { chooseAssignee } from '../routing/assignee-choice.js';
import { AssignmentsRepository, type StoredAssignment } from '../routing/assignments.repository.js';
import { RoutingService } from '../routing/routing.service.js';
import { supportAssignedEvent, supportUpdatedEvent } from '../routing/support-events.js';
import { toSupportRoomView } from '../routing/support-state.view.js';
import { TeamRepository } from '../team/team.repository.js';

type ActivityCursor = { t: number; id: string };

/** Support rooms as the team works them: listing, manual assignment, resolving and reopening. */
@Injectable()
export class SupportRoomsService {
  constructor(
    private readonly assignments: AssignmentsRepository,
    private readonly inboxes: InboxesRepository,
    private readonly routing: RoutingService,
    private readonly team: TeamRepository,
    private readonly outbox: Outbox,
  ) {}

  /** Support rooms of the inboxes the caller works (every inbox for an admin), newest activity first. */
  async list(actor: Actor, payload: SupportRoomListPayload): Promise<Page<SupportRoomView>> {
    const limit = Math.min(payload.limit ?? Limits.pageSizeDefault, Limits.pageSizeMax);
    const filter: Record<string, unknown> = { account_id: actor.accountId };
    if (payload.inbox_id) {
      const inbox = await this.inboxes.findLive(actor.accountId, toObjectId(payload.inbox_id, 'inbox_id'));
      if (!inbox) throw AppError.unprocessable('inbox_id', 'inbox_id names no live inbox of this account');
      await this.requireTeamOf(actor, inbox);
      filter.inbox_id = inbox._id;
    } else if (!actor.scopes.includes(Scopes.Admin)) {
      const me = await this.team.conversationOf(actor);
      const mine = me ? await this.inboxes.ofMember(actor.accountId, me) : [];
      filter.inbox_id = { $in: mine.map((inbox) => inbox._id) };
    }
    if (payload.assignee) {
      const assignee = toObjectId(payload.assignee, 'assignee');
      await this.team.requireInAccount(actor.accountId, [assignee], 'assignee');
      filter.assignee = assignee;
    }
    if (payload.status) filter.status = payload.status;
    if (payload.waiting !== undefined) Object.assign(filter, payload.waiting ? { status: 'open', assignee: null } : { assignee: { $ne: null } });
    const cursor = payload.cursor ? decodeCursor<ActivityCursor>(payload.cursor, 'cursor', { t: 'number', id: 'string' }) : undefined;
    const after = cursor ? { t: new Date(cursor.t), id: toObjectId(cursor.id, 'cursor') } : undefined;
    const found = await this.assignments.page(filter, after, limit + 1);
    return forwardPage(found, limit, (entry) => encodeCursor({ t: entry.last_activity.getTime(), id: entry._id.toHexString() }), toSupportRoomView);
  }

  /** Gives a room to an inbox member by hand (capacity does not stop a person); the same member again changes nothing. */
  async assign(actor: Actor, payload: SupportRoomAssignPayload, correlationId?: string): Promise<SupportRoomView> {
    const target = toObjectId(payload.conversationId, 'conversationId');
    return this.underLock(actor, payload.roomId, async (session, entry, inbox) => {
      if (!inbox.members.some((member) => member.conversation_id.equals(target))) {
        throw AppError.unprocessable('conversationId', 'conversationId must be a member of the room\'s inbox');
      }
      if (entry.status === 'resolved') throw AppError.conflict('The room is resolved: reopen it before assigning it');
      if (entry.assignee?.equals(target)) return entry;
      const situation = await this.routing.situation(session, inbox);
      const weighed = chooseAssignee(situation);
      const at = new Date();
      const candidates = weighed.candidates.map((candidate) => ({
        ...candidate,
        passed_because: candidate.conversation_id === target.toHexString() ? null : 'another member was chosen by hand',
      }));
      const previous = entry.assignee;
      const updated = await this.assignments.change(
        entry.room_id,
        { status: 'open', version: entry.version },
        { $set: { assignee: target, waiting_since: null, assignment: { rule: 'manual', at, candidates: storedCandidates(candidates) } } },
        session,
      );
      if (!updated) throw AppError.conflict('The room changed meanwhile; try again');
      await this.inboxes.recordAssignments(inbox._id, [{ conversationId: target, at }], null, session);
      await this.outbox.add(
        session,
        [supportUpdatedEvent(updated, inbox, actor, previous?.toHexString() ?? null), supportAssignedEvent(updated, actor)],
        correlationId,
      );
      // The previous assignee has room for another waiting room now.
      if (previous) await this.routing.drain(session, inbox, { actor, correlationId });
      return updated;
    });
  }

  /** Resolves a room; resolving a resolved room changes nothing. The freed capacity takes a waiting room. */
  async resolve(actor: Actor, roomIdText: string, correlationId?: string): Promise<SupportRoomView> {
    return this.underLock(actor, roomIdText, async (session, entry, inbox) => {
      if (entry.status === 'resolved') return entry;
      const updated = await this.assignments.change(
        entry.room_id,
        { status: 'open' },
        { $set: { status: 'resolved', resolved_at: new Date(), waiting_since: null } },
        session,
      );
      if (!updated) throw AppError.conflict('The room changed meanwhile; try again');
      await this.outbox.add(session, [supportUpdatedEvent(updated, inbox, actor)], correlationId);
      if (entry.assignee) await this.routing.drain(session, inbox, { actor, correlationId });
      return updated;
    });
  }

  /**
   * Reopens a resolved room: its assignee keeps it if they are still in the inbox and below their
   * capacity, else it is routed again. Reopening an open room changes nothing; reopening one whose
   * contact has another open room (they wrote again since) is a 409: one open room per contact.
   */
  async reopen(actor: Actor, roomIdText: string, correlationId?: string): Promise<SupportRoomView> {
    return this.underLock(actor, roomIdText, async (session, entry, inbox) => {
      if (entry.status === 'open') return entry;
      const other = await this.assignments.otherOpenRoomOf(entry, session);
      if (other) throw AppError.conflict(`The contact has another open room (${other.room_id.toHexString()}): answer there`);
      let keeps = false;
      if (entry.assignee) {
        const member = inbox.members.find((candidate) => candidate.conversation_id.equals(entry.assignee as Types.ObjectId));
        const capacity = member ? (member.capacity ?? inbox.capacity ?? null) : null;
        const open = member ? ((await this.assignments.openRoomsPerAssignee(inbox._id, session)).get(member.conversation_id.toHexString()) ?? 0) : 0;
        keeps = !!member && (capacity === null || open < capacity);
      }
      const now = new Date();
      const updated = await this.assignments.change(
        entry.room_id,
        { status: 'resolved' },
        keeps
          ? { $set: { status: 'open', resolved_at: null } }
          : // Routed again: the old decision no longer says why it has (or has no) assignee.
            { $set: { status: 'open', resolved_at: null, assignee: null, assignment: null, waiting_since: now } },
        session,
      );
      if (!updated) throw AppError.conflict('The room changed meanwhile; try again');
      const previous = entry.assignee?.toHexString() ?? null;
      await this.outbox.add(session, [supportUpdatedEvent(updated, inbox, actor, keeps ? undefined : previous)], correlationId);
      if (keeps) return updated;
      const [routed] = (await this.routing.drain(session, inbox, { fresh: new Set([entry.room_id.toHexString()]), actor, correlationId })).filter(
        (assigned) => assigned.room_id.equals(entry.room_id),
      );
      return routed ?? updated;
    });
  }

  /** Runs a change of one room's support state under its inbox's routing lock, after checking the caller works that inbox. */
  private async underLock(
    actor: Actor,
    roomIdText: string,
    change: (session: ClientSession, entry: StoredAssignment, inbox: StoredInbox) => Promise<StoredAssignment>,
  ): Promise<SupportRoomView> {
    const roomId = toObjectId(roomIdText, 'id');
    const found = await this.assignments.findByRoom(actor.accountId, roomId);
    if (!found) throw AppError.notFound('support room');
    const inbox = await this.inboxes.findLive(actor.accountId, found.inbox_id);
    if (!inbox) throw AppError.conflict('The inbox of this room was deleted');
    await this.requireTeamOf(actor, inbox);
    const updated = await this.routing.withInbox(actor.accountId, found.inbox_id, async (session, locked) => {
      if (!locked) throw AppError.conflict('The inbox of this room was deleted');
      const entry = await this.assignments.findByRoom(actor.accountId, roomId, session);
      if (!entry) throw AppError.notFound('support room');
      return change(session, entry, locked);
    });
    return toSupportRoomView(updated);
  }

  /** Only the inbox's members (and the account's admins) work its rooms. */
  private async requireTeamOf(actor: Actor, inbox: StoredInbox): Promise<void> {
    if (actor.scopes.includes(Scopes.Admin)) return;
    const me = await this.team.conversationOf(actor);
    if (!me || !inbox.members.some((member) => member.conversation_id.equals(me))) {
      throw AppError.forbidden('You are not a member of this inbox');
    }
  }
}
