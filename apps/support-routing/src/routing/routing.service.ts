import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Types, type ClientSession, type Connection } from 'mongoose';
import type { Actor, AssignmentRule } from '@parley/contracts';
import { runTransaction, storedCandidates } from '@parley/database';
import { Outbox } from '@parley/kafka';
import type { TraceHeaders } from '@parley/platform';
import { InboxesRepository, type StoredInbox } from '../inboxes/inboxes.repository.js';
import { TeamRepository } from '../team/team.repository.js';
import { chooseAssignee, type RoutingMember } from './assignee-choice.js';
import { AssignmentsRepository, type StoredAssignment } from './assignments.repository.js';
import { InboxQueue } from './inbox-queue.js';
import { supportAssignedEvent, supportUpdatedEvent } from './support-events.js';

/** How many waiting rooms one drain looks at; a longer backlog drains on the next trigger. */
const DRAIN_BATCH = 500;

export interface DrainOptions {
  /** Rooms routed for the first time (opened or reopened now): they get the rule that chose; others `backlog`. */
  fresh?: ReadonlySet<string>;
  /** A presence change not yet in the conversations collection (rooms applies it in parallel). */
  presence?: { conversationId: string; online: boolean };
  actor?: Actor | null;
  correlationId?: string;
  /** The span that caused the drain, when it runs for a batch of events (each has its own). */
  trace?: TraceHeaders;
}

/**
 * Routing: who takes each waiting support room of an inbox. Everything that changes an inbox's
 * assignments runs in a transaction that first takes the inbox's routing lock, so routing sees the
 * open-room counts every other change committed: no room is assigned twice, no member skipped,
 * whichever instance routes.
 */
@Injectable()
export class RoutingService {
  private readonly queue = new InboxQueue();

  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly inboxes: InboxesRepository,
    private readonly assignments: AssignmentsRepository,
    private readonly team: TeamRepository,
    private readonly outbox: Outbox,
  ) {}

  /** Runs `work` one at a time per inbox in this process (see InboxQueue). */
  private serial<T>(inboxId: Types.ObjectId, work: () => Promise<T>): Promise<T> {
    return this.queue.run(inboxId.toHexString(), work);
  }

  /** Takes the inbox's routing lock in this transaction; null when the inbox is gone. */
  lock(session: ClientSession, accountId: string, inboxId: Types.ObjectId): Promise<StoredInbox | null> {
    return this.inboxes.lockForRouting(accountId, inboxId, session);
  }

  /** One transaction under the inbox's routing lock, queued behind this process's other work on the inbox. */
  withInbox<T>(accountId: string, inboxId: Types.ObjectId, work: (session: ClientSession, inbox: StoredInbox | null) => Promise<T>): Promise<T> {
    return this.serial(inboxId, () =>
      runTransaction(this.connection, async (session) => work(session, await this.lock(session, accountId, inboxId))),
    );
  }

  /**
   * Assigns the inbox's waiting rooms, oldest first, while anyone can take them; announces each
   * assignment. Call under the inbox's routing lock.
   */
  async drain(session: ClientSession, inbox: StoredInbox, options: DrainOptions = {}): Promise<StoredAssignment[]> {
    const waiting = await this.assignments.waiting(inbox._id, DRAIN_BATCH, session);
    if (waiting.length === 0) return [];
    const situation = await this.situation(session, inbox, options.presence);
    const choices: { roomId: Types.ObjectId; set: Record<string, unknown> }[] = [];
    const base = Date.now();
    for (const room of waiting) {
      const choice = chooseAssignee(situation);
      if (!choice.assignee || !choice.rule) break;
      // Strictly later for each room of this drain, so "assigned least recently" orders them too.
      const at = new Date(base + choices.length);
      const rule: AssignmentRule = options.fresh?.has(room.room_id.toHexString()) ? choice.rule : 'backlog';
      choices.push({
        roomId: room.room_id,
        set: { assignee: new Types.ObjectId(choice.assignee), waiting_since: null, assignment: { rule, at, candidates: storedCandidates(choice.candidates) } },
      });
      situation.openRooms.set(choice.assignee, (situation.openRooms.get(choice.assignee) ?? 0) + 1);
      const member = situation.members.find((entry) => entry.conversationId === choice.assignee);
      if (member) member.lastAssignedAt = at;
      if (choice.rule === 'round_robin') situation.roundRobinLast = choice.assignee;
    }
    // Under the inbox's lock nothing else assigns these rooms, so every choice applies.
    const assigned = await this.assignments.assignMany(choices, session);
    await this.inboxes.recordAssignments(
      inbox._id,
      assigned.map((entry) => ({ conversationId: entry.assignee as Types.ObjectId, at: entry.assignment?.at ?? new Date(base) })),
      situation.roundRobinLast && situation.roundRobinLast !== inbox.round_robin_last?.toHexString() ? new Types.ObjectId(situation.roundRobinLast) : null,
      session,
    );
    await this.outbox.add(
      session,
      assigned.flatMap((entry) => [supportUpdatedEvent(entry, inbox, options.actor ?? null, null), supportAssignedEvent(entry, options.actor ?? null)]),
      options.correlationId,
      options.trace,
    );
    return assigned;
  }

  /** The inbox's members as the router weighs them: presence, open rooms, capacity, the round-robin pointer. */
  async situation(session: ClientSession, inbox: StoredInbox, presence?: DrainOptions['presence']) {
    const [openRooms, online] = await Promise.all([
      this.assignments.openRoomsPerAssignee(inbox._id, session),
      this.team.online(inbox.account_id, inbox.members.map((member) => member.conversation_id), session),
    ]);
    if (presence) {
      if (presence.online) online.add(presence.conversationId);
      else online.delete(presence.conversationId);
    }
    const members: RoutingMember[] = inbox.members.map((member) => ({
      conversationId: member.conversation_id.toHexString(),
      capacity: member.capacity ?? null,
      lastAssignedAt: member.last_assigned_at ?? null,
    }));
    return { members, inboxCapacity: inbox.capacity ?? null, openRooms, online, roundRobinLast: inbox.round_robin_last?.toHexString() ?? null };
  }
}
