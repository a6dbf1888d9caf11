import type { SupportRoomView } from '@parley/contracts';
import { toSupportStateView } from '@parley/database';
import type { StoredAssignment } from './assignments.repository.js';

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
