import {
  createEnvelope,
  EventTopics,
  type Actor,
  type EventEnvelope,
  type SupportAssignedData,
  type SupportUpdatedData,
} from '@parley/contracts';
import type { StoredInbox } from '../inboxes/inboxes.repository.js';
import type { StoredAssignment } from './assignments.repository.js';
import { toSupportStateView } from '@parley/database';

/** `parley.support.updated` with the room's whole support state and the inbox's team. */
export function supportUpdatedEvent(
  entry: StoredAssignment,
  inbox: StoredInbox | null,
  actor: Actor | null,
  previousAssignee?: string | null,
): EventEnvelope<SupportUpdatedData> {
  const data: SupportUpdatedData = {
    room_id: entry.room_id.toHexString(),
    version: entry.version,
    support: toSupportStateView(entry),
    team: inbox?.members.map((member) => member.conversation_id.toHexString()) ?? [],
    ...(previousAssignee !== undefined ? { previous_assignee: previousAssignee } : {}),
  };
  return createEnvelope({ type: EventTopics.SupportUpdated, accountId: entry.account_id, key: data.room_id, actor, data });
}

/** `parley.support.assigned` for a room that has just been given to its assignee. */
export function supportAssignedEvent(entry: StoredAssignment, actor: Actor | null): EventEnvelope<SupportAssignedData> {
  if (!entry.assignee || !entry.assignment) throw new Error('support.assigned needs an assignee and its assignment');
  const data: SupportAssignedData = {
    room_id: entry.room_id.toHexString(),
    inbox_id: entry.inbox_id.toHexString(),
    assignee: entry.assignee.toHexString(),
    rule: entry.assignment.rule,
  };
  return createEnvelope({ type: EventTopics.SupportAssigned, accountId: entry.account_id, key: data.inbox_id, actor, data });
}
