import type { SupportContact } from './support.views.js';

/** Payloads of the support-routing app's request-reply patterns (what follows `actor` in a CommandMessage). */

export interface InboxChannelsPayload {
  phone_numbers?: string[];
  email_addresses?: string[];
}

export interface InboxCreatePayload {
  name: string;
  members: string[];
  capacity?: number | null;
  channels?: InboxChannelsPayload;
}

export interface InboxRefPayload {
  inboxId: string;
}

export interface InboxUpdatePayload {
  inboxId: string;
  name?: string;
  capacity?: number | null;
  channels?: InboxChannelsPayload;
}

export interface InboxMemberPayload {
  inboxId: string;
  conversationId: string;
  /** Open rooms this member may hold at once; null: the inbox's capacity. */
  capacity?: number | null;
}

export interface SupportRoomListPayload {
  inbox_id?: string;
  assignee?: string;
  status?: 'open' | 'resolved';
  /** Only rooms nobody holds yet. */
  waiting?: boolean;
  cursor?: string;
  limit?: number;
}

export interface SupportRoomRefPayload {
  roomId: string;
}

export interface SupportRoomAssignPayload {
  roomId: string;
  conversationId: string;
}

/** `rooms.support-room.open`: the open support room of a contact in an inbox, made if there is none. */
export interface SupportRoomOpenPayload {
  inbox_id: string;
  contact: SupportContact;
  /** Opened by an inbound SMS or email: the inbox's number or address it came to (answers go out from it). */
  written_to?: { channel: 'sms' | 'email'; address: string };
}

/** `support.inbound.route`: an SMS or email came in to `to` from `from`. */
export interface InboundRoutePayload {
  channel: 'sms' | 'email';
  to: string;
  from: string;
  /** The provider's id of the message (MessageSid, Message-ID): an unrouted one is kept once. */
  external_id: string;
  /** What it said, kept with an unrouted inbound. */
  content: string;
  subject?: string;
}

/**
 * Where an inbound message goes: the inbox that owns the address; else the account's default
 * inbound conversation for the channel; else nowhere (it was kept as unrouted).
 */
export interface InboundRouteResult {
  inbox: { id: string; account_id: string } | null;
  default_conversation?: { id: string; account_id: string };
}

/** `rooms.support-room.open-direct`: the direct room of the default inbound conversation with a contact. */
export interface DirectContactRoomOpenPayload {
  conversation_id: string;
  contact: SupportContact;
  /** The number or address the contact wrote to: answers go out from it. */
  reply_from: string;
}
