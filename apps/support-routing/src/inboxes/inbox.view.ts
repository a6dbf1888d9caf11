import type { InboxView } from '@parley/contracts';
import type { StoredInbox } from './inboxes.repository.js';

/** A stored inbox as the API shows it. */
export function toInboxView(inbox: StoredInbox): InboxView {
  return {
    id: inbox._id.toHexString(),
    name: inbox.name,
    members: inbox.members.map((member) => ({ conversation_id: member.conversation_id.toHexString(), capacity: member.capacity ?? null })),
    capacity: inbox.capacity ?? null,
    channels: { phone_numbers: inbox.channels?.phone_numbers ?? [], email_addresses: inbox.channels?.email_addresses ?? [] },
    created: inbox.created.toISOString(),
    updated: inbox.updated.toISOString(),
  };
}
