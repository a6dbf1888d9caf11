import type { PresenceStatus, RoomType } from '../views.js';

/** Payloads of the rooms app's request-reply patterns (what follows `actor` in a CommandMessage). */

export interface RoomCreatePayload {
  type: Exclude<RoomType, 'support'>;
  /** direct and listing rooms: the other member's conversation id */
  member?: string;
  /** channels */
  name?: string;
  members?: string[];
  /** listing rooms */
  listing_id?: string;
}

export interface RoomRefPayload {
  roomId: string;
}

export interface RoomReadPayload {
  roomId: string;
  messageId: string;
}

export interface RoomListPayload {
  before?: string;
  after?: string;
  limit?: number;
  type?: RoomType;
  unread?: boolean;
  mentioned?: boolean;
  favorite?: boolean;
  search?: string;
  listing_id?: string;
}

export interface RoomUpdatePayload {
  roomId: string;
  name: string;
}

export interface RoomMembersPayload {
  roomId: string;
  members: string[];
}

export interface RoomMemberPayload {
  roomId: string;
  conversationId: string;
}

export interface RoomFavoritePayload {
  roomId: string;
  favorite: boolean;
}

export interface RoomSnoozePayload {
  roomId: string;
  /** ISO time the snooze ends; null ends it now. */
  until: string | null;
}

export interface ConversationListPayload {
  before?: string;
  after?: string;
  limit?: number;
  status?: PresenceStatus;
  search?: string;
}

export interface ConversationUpdatePayload {
  default_sms_inbound?: boolean;
  default_email_inbound?: boolean;
}

export interface ConversationStatusPayload {
  status: PresenceStatus;
}
