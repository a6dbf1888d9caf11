import type { MessagePolicyView } from './accounts/content-policy.views.js';
import type { DeliveryView } from './delivery/delivery.views.js';
import type { SupportContact, SupportStateView } from './support/support.views.js';

/** Resources as the API returns them (snake_case, as stored and as pushed over sockets). */

export type PresenceStatus = 'online' | 'offline';
export type RoomType = 'direct' | 'channel' | 'listing' | 'support';
export type MessageSource = 'chat' | 'sms' | 'email';

export interface ConversationView {
  id: string;
  account_id: string;
  user_id: string;
  /** The user's name, where the account's users are known (team lists). */
  name?: string;
  status: PresenceStatus;
  default_sms_inbound: boolean;
  default_email_inbound: boolean;
  created: string;
}

export interface RoomMemberView {
  conversation_id: string;
  user_id: string;
  last_message_read: string | null;
}

/** The caller's own settings in a room. */
export interface RoomMySettingsView {
  favorite: boolean;
  snoozed_until: string | null;
}

export interface RoomView {
  id: string;
  type: RoomType;
  name: string | null;
  /** Every member, or in a list of rooms the caller first and up to Limits.roomListMemberLimit in all. */
  members: RoomMemberView[];
  /** How many members the room has, whether `members` lists them all or not. */
  member_count: number;
  last_message_id: string | null;
  /** When the last message was sent (null before the first); inboxes order by it. */
  last_message_at: string | null;
  last_activity: string;
  /** The caller's unread count in this room. */
  unread_count: number;
  /** How many of the caller's unread messages in this room mention them. */
  mention_count: number;
  listing_id: string | null;
  favorite: boolean;
  snoozed_until: string | null;
  /** Support rooms only: the support state (inbox, contact, status, assignee and why). */
  support?: SupportStateView;
  created: string;
  updated: string;
}

export interface AttachmentView {
  name: string;
  size: number;
  content_type: string;
  url?: string;
  storage_key?: string;
}

export interface MessageView {
  id: string;
  room_id: string;
  /** Per-room sequence number, gap-free: a jump tells a client it missed messages. */
  seq: number;
  /**
   * The room's change number of the message's last change (stored, edited, deleted, its delivery or
   * read state moved): a newer copy of a message has a higher one; `changed_after` reads by it.
   * 0 for a message last written before change numbers began.
   */
  rev: number;
  /** The author's conversation id; null when a support room's contact wrote it (see `contact`). */
  conversation_id: string | null;
  /** Support rooms: the customer who wrote it, when they did. */
  contact?: SupportContact;
  /** Support rooms: an internal note of the team, never sent to the contact. */
  private?: boolean;
  /** Email: the subject line. */
  subject?: string;
  /** Listing rooms: which contact details the account's content policy masked in it. */
  policy?: MessagePolicyView;
  /** Listing rooms: whether the receiver has read it, and when. */
  is_read?: boolean;
  read_at?: string | null;
  /** Sent by SMS or email: where that delivery stands. */
  delivery?: DeliveryView;
  /** Reactions to it, in the order each was first given; absent while it has none (and once deleted for everyone). */
  reactions?: MessageReactionView[];
  /** Pinned to its room: by whom and when; absent while not (and once deleted for everyone). */
  pinned?: MessagePinView;
  /** Conversation ids of the members it mentions, as sent; absent while none (and once deleted for everyone). */
  mentions?: string[];
  /** It mentions everyone who reads the room (@channel); absent otherwise (and once deleted for everyone). */
  mention_everyone?: true;
  content: string;
  source: MessageSource;
  attachments: AttachmentView[];
  client_message_id: string | null;
  created: string;
  updated: string;
}

/** Who pinned a message to its room, and when. */
export interface MessagePinView {
  conversation_id: string;
  at: string;
}

/** One reaction to a message: the emoji (or short name), and who gave it, first first. */
export interface MessageReactionView {
  emoji: string;
  count: number;
  conversation_ids: string[];
}

/** A page of a list: `next` continues past the last item, `previous` before the first. */
export interface Page<T> {
  data: T[];
  next: string | null;
  previous: string | null;
}

/** What a `parley.message.created` event carries (version 1). */
export interface MessageCreatedData {
  room_id: string;
  message: MessageView;
  /** Conversation ids of the room's members when the message was stored. */
  receivers: string[];
  /** Receivers who had snoozed the room then: their devices are told quietly (`snoozed: true`). */
  snoozed?: string[];
  /** Listing rooms: the listing the two users talk about (for a marketplace's notifications). */
  listing_id?: string;
  /** The author's user id (the JWT `sub`; `contact:…` for a support room's contact). */
  sender_user_id?: string;
  /** The user ids of the room's other members when it was stored. */
  receiver_user_ids?: string[];
}

/** One member's unread count, as carried by `parley.room.updated`. */
export interface UnreadCountView {
  conversation_id: string;
  count: number;
  /** How many of those unread messages mention the member (absent in events from before mentions). */
  mention_count?: number;
}

/** What a `parley.room.updated` event carries (version 1). */
export interface RoomUpdatedData {
  room_id: string;
  /** Absent in events from before it was added. */
  type?: RoomType;
  name?: string | null;
  /** Conversations removed from the room by this change: told once, then no more events. */
  removed?: string[];
  /** Conversations this change put in the room: to them it is a new room. */
  added?: string[];
  /** A change of one member's own settings of the room: for that member's devices only. */
  member_state?: { conversation_id: string; favorite: boolean; snoozed_until: string | null };
  deleted?: boolean;
  last_message_id: string | null;
  last_activity: string;
  unread_count: UnreadCountView[];
  members: string[];
  /** Support rooms: the inbox's members, who see the room without being members. */
  team?: string[];
  /** Support rooms: whether the room is open or resolved, and who holds it. */
  support?: Pick<SupportStateView, 'status' | 'assignee'>;
}

/** What a `parley.room.created` event carries (version 1). */
export interface RoomCreatedData {
  room_id: string;
  type: RoomType;
  members: string[];
  /** Support rooms: the inbox and the contact, for routing. */
  support?: { inbox_id: string | null; contact: SupportContact };
  /** Support rooms: the inbox's members, who see the room without being members. */
  team?: string[];
}

/** What a `parley.presence.changed` event carries (version 1). */
export interface PresenceChangedData {
  conversation_id: string;
  user_id: string;
  status: PresenceStatus;
  /** `api`: set by the user through the API; `sockets`: derived from their connected devices. */
  source: 'api' | 'sockets';
}

/** What a `parley.room.read` event carries (version 1). */
export interface RoomReadData {
  room_id: string;
  conversation_id: string;
  message_id: string;
  members: string[];
  /** `m2m`: a service marked this one message read (not every message up to it). */
  source?: 'm2m';
}
