import { Injectable } from '@nestjs/common';
import type { ClientSession, Types } from 'mongoose';
import {
  AppError,
  readableName,
  Scopes,
  type Actor,
  type InboxCreatePayload,
  type InboxMemberPayload,
  type InboxUpdatePayload,
  type InboxView,
} from '@parley/contracts';
import { toObjectId } from '@parley/database';
import { Outbox } from '@parley/kafka';
import { AssignmentsRepository } from '../routing/assignments.repository.js';
import { RoutingService } from '../routing/routing.service.js';
import { supportUpdatedEvent } from '../routing/support-events.js';
import { TeamRepository } from '../team/team.repository.js';
import { InboxesRepository, type StoredInbox } from './inboxes.repository.js';
import { toInboxView } from './inbox.view.js';

/** A duplicate-key error of MongoDB as a 409 that says which rule it broke. */
function conflictOf(error: unknown): AppError | null {
  const duplicate = error as { code?: number; keyPattern?: Record<string, unknown> };
  if (duplicate.code !== 11000) return null;
  const keys = Object.keys(duplicate.keyPattern ?? {});
  // Another account's inbox may hold it: the answer names no account.
  if (keys.includes('channels.phone_numbers')) return AppError.conflict('A phone number of this inbox already belongs to another inbox', 'channels.phone_numbers');
  if (keys.includes('channels.email_addresses')) return AppError.conflict('An email address of this inbox already belongs to another inbox', 'channels.email_addresses');
  return AppError.conflict('An inbox of this name already exists in the account');
}

/** Support inboxes: their team, capacity and channels. Changes that free or add capacity route the backlog. */
@Injectable()
export class InboxesService {
  constructor(
    private readonly inboxes: InboxesRepository,
    private readonly assignments: AssignmentsRepository,
    private readonly routing: RoutingService,
    private readonly team: TeamRepository,
    private readonly outbox: Outbox,
  ) {}

  async create(actor: Actor, payload: InboxCreatePayload): Promise<InboxView> {
    const name = readableName(payload.name, 'name');
    const members = payload.members.map((id) => toObjectId(id, 'members'));
    await this.team.requireInAccount(actor.accountId, members, 'members');
    try {
      const inbox = await this.inboxes.insert({
        account_id: actor.accountId,
        name,
        name_key: name.toLowerCase(),
        members: members.map((conversationId) => ({ conversation_id: conversationId, capacity: null, last_assigned_at: null, added: new Date() })),
        capacity: payload.capacity ?? null,
        channels: { phone_numbers: payload.channels?.phone_numbers ?? [], email_addresses: payload.channels?.email_addresses ?? [] },
        deleted: false,
      });
      return toInboxView(inbox);
    } catch (error) {
      throw conflictOf(error) ?? error;
    }
  }

  async list(actor: Actor): Promise<InboxView[]> {
    return (await this.inboxes.listLive(actor.accountId)).map(toInboxView);
  }

  async get(actor: Actor, inboxIdText: string): Promise<InboxView> {
    return toInboxView(await this.live(actor, inboxIdText));
  }

  /** Renames an inbox or changes its capacity or channels; more capacity assigns waiting rooms. */
  async update(actor: Actor, payload: InboxUpdatePayload, correlationId?: string): Promise<InboxView> {
    const name = payload.name === undefined ? undefined : readableName(payload.name, 'name');
    const inbox = await this.live(actor, payload.inboxId);
    const set: Record<string, unknown> = {};
    if (name !== undefined) Object.assign(set, { name, name_key: name.toLowerCase() });
    if (payload.capacity !== undefined) set.capacity = payload.capacity;
    if (payload.channels?.phone_numbers !== undefined) set['channels.phone_numbers'] = payload.channels.phone_numbers;
    if (payload.channels?.email_addresses !== undefined) set['channels.email_addresses'] = payload.channels.email_addresses;
    if (Object.keys(set).length === 0) return toInboxView(inbox);
    return this.changeAndRoute(actor, inbox._id, correlationId, (session) => this.inboxes.update(actor.accountId, inbox._id, { $set: set }, session));
  }

  /**
   * Soft-deletes an inbox: it takes no new rooms, its open rooms are resolved (nobody answers from
   * its numbers and addresses any more: another inbox, of any account, may take them), and its team
   * no longer sees its rooms. Their assignees keep them, to read.
   */
  async remove(actor: Actor, inboxIdText: string, correlationId?: string): Promise<void> {
    const inbox = await this.live(actor, inboxIdText);
    await this.routing.withInbox(actor.accountId, inbox._id, async (session) => {
      await this.inboxes.update(actor.accountId, inbox._id, { $set: { deleted: true } }, session);
      await this.assignments.resolveAllOf(inbox._id, session);
      const rooms = await this.assignments.touchAllOf(inbox._id, [], session);
      await this.outbox.add(session, rooms.map((entry) => supportUpdatedEvent(entry, null, actor)), correlationId);
    });
  }

  /** Adds a member (or changes their capacity); waiting rooms may go to them at once. */
  async addMember(actor: Actor, payload: InboxMemberPayload, correlationId?: string): Promise<InboxView> {
    const inbox = await this.live(actor, payload.inboxId);
    const conversationId = toObjectId(payload.conversationId, 'conversationId');
    await this.team.requireInAccount(actor.accountId, [conversationId], 'conversationId');
    const present = inbox.members.some((member) => member.conversation_id.equals(conversationId));
    return this.changeAndRoute(actor, inbox._id, correlationId, (session) =>
      present
        ? payload.capacity === undefined
          ? this.inboxes.lockForRouting(actor.accountId, inbox._id, session)
          : this.inboxes.update(actor.accountId, inbox._id, { $set: { 'members.$[m].capacity': payload.capacity } }, session, {
              arrayFilters: [{ 'm.conversation_id': conversationId }],
            })
        : this.inboxes
            .update(
              actor.accountId,
              inbox._id,
              { $push: { members: { conversation_id: conversationId, capacity: payload.capacity ?? null, last_assigned_at: null, added: new Date() } } },
              session,
            )
            .then((added) => this.withTeamChange(actor, correlationId, added, [], session)),
    );
  }

  /** Removes a member; the open rooms they held in this inbox are routed again. */
  async removeMember(actor: Actor, payload: InboxMemberPayload, correlationId?: string): Promise<InboxView> {
    const inbox = await this.live(actor, payload.inboxId);
    const conversationId = toObjectId(payload.conversationId, 'conversationId');
    if (!inbox.members.some((member) => member.conversation_id.equals(conversationId))) throw AppError.notFound('member of this inbox');
    return this.changeAndRoute(actor, inbox._id, correlationId, async (session) => {
      const updated = await this.inboxes.update(actor.accountId, inbox._id, { $pull: { members: { conversation_id: conversationId } } }, session);
      if (!updated) return null;
      const held = await this.assignments.openOf(inbox._id, conversationId, session);
      const released = [];
      for (const room of held) {
        // Routed again: the decision that chose them no longer says why the room is where it is.
        const entry = await this.assignments.change(room.room_id, { status: 'open', assignee: conversationId }, { $set: { assignee: null, assignment: null, waiting_since: room.opened_at } }, session);
        if (entry) released.push(entry);
      }
      // Their resolved rooms go too: as assignee they stay the room's member, reading the customer's
      // history and texting them from the inbox's number. Reopened, such a room is routed again.
      const closed = [];
      for (const room of await this.assignments.resolvedOf(inbox._id, conversationId, session)) {
        const entry = await this.assignments.change(room.room_id, { status: 'resolved', assignee: conversationId }, { $set: { assignee: null, assignment: null } }, session);
        if (entry) closed.push(entry);
      }
      await this.outbox.add(session, [...released, ...closed].map((entry) => supportUpdatedEvent(entry, updated, actor, conversationId.toHexString())), correlationId);
      await this.withTeamChange(actor, correlationId, updated, [...released, ...closed].map((entry) => entry.room_id), session);
      return { inbox: updated, fresh: released.map((entry) => entry.room_id.toHexString()) };
    });
  }

  /**
   * Tells every room of an inbox whose team changed (but `announced`, told already) of its new team:
   * who sees a room's messages live follows who may read them.
   */
  private async withTeamChange(
    actor: Actor,
    correlationId: string | undefined,
    inbox: StoredInbox | null,
    announced: Types.ObjectId[],
    session: ClientSession,
  ): Promise<StoredInbox | null> {
    if (!inbox) return null;
    const rooms = await this.assignments.touchAllOf(inbox._id, announced, session);
    await this.outbox.add(session, rooms.map((entry) => supportUpdatedEvent(entry, inbox, actor)), correlationId);
    return inbox;
  }

  /** Runs an inbox change under its routing lock, then assigns whatever waiting rooms the change made room for. */
  private async changeAndRoute(
    actor: Actor,
    inboxId: Types.ObjectId,
    correlationId: string | undefined,
    change: (session: ClientSession) => Promise<StoredInbox | null | { inbox: StoredInbox; fresh: string[] }>,
  ): Promise<InboxView> {
    try {
      const inbox = await this.routing.withInbox(actor.accountId, inboxId, async (session, locked) => {
        if (!locked) throw AppError.notFound('inbox');
        const outcome = await change(session);
        if (!outcome) throw AppError.notFound('inbox');
        const { inbox: changed, fresh } = 'inbox' in outcome ? outcome : { inbox: outcome, fresh: [] };
        await this.routing.drain(session, changed, { fresh: new Set(fresh), actor, correlationId });
        return changed;
      });
      return toInboxView(inbox);
    } catch (error) {
      throw conflictOf(error) ?? error;
    }
  }

  /** A live inbox of the caller's account, else 404. */
  async live(actor: Actor, inboxIdText: string): Promise<StoredInbox> {
    const inbox = await this.inboxes.findLive(actor.accountId, toObjectId(inboxIdText, 'id'));
    if (!inbox) throw AppError.notFound('inbox');
    return inbox;
  }
}

/** Whether an actor administers the account (sees and works every inbox). */
export function isAdmin(actor: Actor): boolean {
  return actor.scopes.includes(Scopes.Admin);
}
