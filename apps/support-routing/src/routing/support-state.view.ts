import type { SupportRoomView, SupportStateView } from '@parley/contracts';
import type { StoredAssignment } from './assignments.repository.js';

/** A room's stored support state as the API and events show it. */
export function toSupportStateView(entry: StoredAssignment): SupportStateView {
  return {
    inbox_id: entry.inbox_id.toHexString(),
    contact: { ...entry.contact },
    status: entry.status,
    assignee: entry.assignee?.toHexString() ?? null,
    assignment: entry.assignment
      ? {
          rule: entry.assignment.rule,
          at: entry.assignment.at.toISOString(),
          candidates: entry.assignment.candidates.map((candidate) => ({
            conversation_id: candidate.conversation_id.toHexString(),
            online: candidate.online,
            open_rooms: candidate.open_rooms,
            capacity: candidate.capacity ?? null,
            passed_because: candidate.passed_because ?? null,
          })),
        }
      : null,
    first_response_at: entry.first_response_at?.toISOString() ?? null,
    resolved_at: entry.resolved_at?.toISOString() ?? null,
  };
}

/** A support room as the support listing shows it. */
export function toSupportRoomView(entry: StoredAssignment): SupportRoomView {
  return {
    id: entry.room_id.toHexString(),
    type: 'support',
    last_message_id: entry.last_message_id?.toHexString() ?? null,
    last_activity: entry.last_activity.toISOString(),
    created: entry.opened_at.toISOString(),
    support: toSupportStateView(entry),
  };
}
