import type { AssignmentCandidateView } from '@parley/contracts';

/** An inbox member as the router weighs them. */
export interface RoutingMember {
  conversationId: string;
  /** This member's open-room limit; null: the inbox's. */
  capacity: number | null;
  lastAssignedAt: Date | null;
}

/** What the router knows when it places one room. */
export interface RoutingSituation {
  /** In the inbox's order (the round robin's order). */
  members: RoutingMember[];
  inboxCapacity: number | null;
  /** Open rooms each member holds in this inbox. */
  openRooms: ReadonlyMap<string, number>;
  online: ReadonlySet<string>;
  /** Who got the last round-robin room: the round robin goes on after them. */
  roundRobinLast: string | null;
}

export interface AssigneeChoice {
  /** null: nobody can take the room now; it waits. */
  assignee: string | null;
  rule: 'least_busy_online' | 'round_robin' | null;
  /** Every member, and why each one not chosen was passed over. */
  candidates: AssignmentCandidateView[];
}

/**
 * Chooses who takes a room: the online member with the fewest open rooms in the inbox (ties: the one
 * assigned least recently, then inbox order); when nobody is online, the next member after the
 * round-robin pointer. Members at their capacity are passed over. When online members are all at
 * capacity the room waits for one of them (or for someone else to come online) rather than going
 * to someone away. Pure: the caller holds the inbox's routing lock and applies the choice.
 */
export function chooseAssignee(situation: RoutingSituation): AssigneeChoice {
  const weighed = situation.members.map((member, order) => {
    const capacity = member.capacity ?? situation.inboxCapacity;
    const openRooms = situation.openRooms.get(member.conversationId) ?? 0;
    return {
      member,
      order,
      capacity,
      openRooms,
      online: situation.online.has(member.conversationId),
      full: capacity !== null && openRooms >= capacity,
    };
  });
  const candidates = (chosen: string | null, reason: (entry: (typeof weighed)[number]) => string) =>
    weighed.map((entry) => ({
      conversation_id: entry.member.conversationId,
      online: entry.online,
      open_rooms: entry.openRooms,
      capacity: entry.capacity,
      passed_because: entry.member.conversationId === chosen ? null : entry.full ? `at capacity (${entry.openRooms} of ${entry.capacity} open rooms)` : reason(entry),
    }));

  const available = weighed.filter((entry) => entry.online && !entry.full);
  if (available.length > 0) {
    const assignedAt = (entry: (typeof weighed)[number]) => entry.member.lastAssignedAt?.getTime() ?? -Infinity;
    const best = available.reduce((winner, entry) => {
      if (entry.openRooms !== winner.openRooms) return entry.openRooms < winner.openRooms ? entry : winner;
      if (assignedAt(entry) !== assignedAt(winner)) return assignedAt(entry) < assignedAt(winner) ? entry : winner;
      return entry.order < winner.order ? entry : winner;
    });
    const chosen = best.member.conversationId;
    return {
      assignee: chosen,
      rule: 'least_busy_online',
      candidates: candidates(chosen, (entry) =>
        !entry.online
          ? 'offline'
          : entry.openRooms > best.openRooms
            ? `busier (${entry.openRooms} open rooms, the chosen member had ${best.openRooms})`
            : 'as busy, but assigned more recently',
      ),
    };
  }

  if (weighed.some((entry) => entry.online)) {
    return { assignee: null, rule: null, candidates: candidates(null, () => 'offline (the room waits for an online member)') };
  }

  const start = situation.roundRobinLast === null ? 0 : weighed.findIndex((entry) => entry.member.conversationId === situation.roundRobinLast) + 1;
  for (let step = 0; step < weighed.length; step++) {
    const entry = weighed[(start + step) % weighed.length];
    if (entry.full) continue;
    const chosen = entry.member.conversationId;
    return {
      assignee: chosen,
      rule: 'round_robin',
      candidates: candidates(chosen, () => 'not next in the round robin (no online member could take the room)'),
    };
  }
  return { assignee: null, rule: null, candidates: candidates(null, () => 'no member') };
}
