/** Who a support room is about: a customer, known to the CRM (`id` in `crm.contacts`) or only by a number or address. */
export interface SupportContact {
  id?: string;
  name?: string;
  phone?: string;
  email?: string;
}

export type SupportStatus = 'open' | 'resolved';

/** Which rule chose an assignee. */
export type AssignmentRule = 'least_busy_online' | 'round_robin' | 'manual' | 'backlog';

/** One inbox member as the router saw them when it chose, and why they were passed over (null: chosen). */
export interface AssignmentCandidateView {
  conversation_id: string;
  online: boolean;
  open_rooms: number;
  capacity: number | null;
  passed_because: string | null;
}

export interface AssignmentView {
  rule: AssignmentRule;
  at: string;
  candidates: AssignmentCandidateView[];
}

/** The support state of a room, in room views and support listings. */
export interface SupportStateView {
  /** null: a direct room of the account's default inbound conversation with the contact. */
  inbox_id: string | null;
  contact: SupportContact;
  status: SupportStatus;
  assignee: string | null;
  assignment: AssignmentView | null;
  first_response_at: string | null;
  resolved_at: string | null;
}

/** A room as the support listing shows it. */
export interface SupportRoomView {
  id: string;
  type: 'support';
  last_message_id: string | null;
  last_activity: string;
  created: string;
  support: SupportStateView;
}

export interface InboxMemberView {
  conversation_id: string;
  capacity: number | null;
}

export interface InboxView {
  id: string;
  name: string;
  members: InboxMemberView[];
  capacity: number | null;
  channels: { phone_numbers: string[]; email_addresses: string[] };
  created: string;
  updated: string;
}

/** Medians and 90th percentiles in milliseconds; null while nothing was measured. */
export interface DurationStatsView {
  count: number;
  median_ms: number | null;
  p90_ms: number | null;
}

export interface InboxStatsView {
  inbox_id: string;
  open: number;
  waiting: number;
  resolved: number;
  first_response: DurationStatsView;
  resolution: DurationStatsView;
}

/** What a `parley.support.updated` event carries (version 1): the whole support state of a room after a change. */
export interface SupportUpdatedData {
  room_id: string;
  /** Grows with every change of the room's support state, so an older state never overwrites a newer one. */
  version: number;
  support: SupportStateView;
  /** The inbox's members when the state changed: they see the room without being members. */
  team: string[];
  /** The assignee before this change, when it changed. */
  previous_assignee?: string | null;
}

/** What a `parley.support.assigned` event carries (version 1). */
export interface SupportAssignedData {
  room_id: string;
  inbox_id: string;
  assignee: string;
  rule: AssignmentRule;
}

/** An inbound SMS or email that no inbox owned, kept for the account's admins. */
export interface UnroutedInboundView {
  id: string;
  channel: 'sms' | 'email';
  to: string;
  from: string;
  external_id: string;
  content: string;
  subject: string | null;
  received_at: string;
}
