import type { AttachmentView, MessageSource, MessageView } from '../views.js';

/** An attachment as a sender names it: a link with its name, size and type, or a stored upload's key (the rest read from the storage). */
export type AttachmentRef = Omit<AttachmentView, 'name' | 'size' | 'content_type'> & Partial<Pick<AttachmentView, 'name' | 'size' | 'content_type'>>;

/** Payloads of the messaging app's request-reply patterns (what follows `actor` in a CommandMessage). */

export interface MessageCreatePayload {
  roomId: string;
  content: string;
  source?: MessageSource;
  clientMessageId?: string;
  attachments?: AttachmentRef[];
  /** Support rooms: an internal note of the team. */
  private?: boolean;
  /** Email: the subject line. */
  subject?: string;
  /** Conversation ids of the members it mentions. */
  mentions?: string[];
  /** Mentions everyone who reads the room (@channel). */
  mention_everyone?: boolean;
}

/**
 * `messaging.message.create-from-contact`: a message the contact of a support room wrote (through
 * the API, SMS or email). `externalId` (a provider's message id) makes a retry store nothing new.
 */
export interface MessageFromContactPayload {
  roomId: string;
  content: string;
  source: MessageSource;
  externalId?: string;
  attachments?: AttachmentView[];
  /** Email: the subject line. */
  subject?: string;
}

export interface MessageListPayload {
  roomId: string;
  before?: string;
  /** An opaque cursor, or the id of a message of the room (what a reconnecting client last saw). */
  after?: string;
  /** Messages with a higher sequence number than this. */
  afterSeq?: number;
  /** Messages changed (stored, edited, deleted, delivery or read state) after this change number of the room. */
  changedAfter?: number;
  /** Text search within the room. */
  q?: string;
  limit?: number;
}

/** The reply of messaging.message.create: the message, and whether this call stored it. */
export interface MessageCreateResult {
  created: boolean;
  message: MessageView;
}

export interface MessageRefPayload {
  messageId: string;
}

export interface MessageUpdatePayload {
  messageId: string;
  content: string;
}

/** `me` hides the message from the caller only; `everyone` deletes it for the room (author or admin). */
export type MessageDeleteScope = 'me' | 'everyone';

export interface MessageDeletePayload {
  messageId: string;
  for: MessageDeleteScope;
}

export interface MessageSearchPayload {
  q: string;
  before?: string;
  after?: string;
  limit?: number;
}

export type MentionListPayload = Omit<MessageSearchPayload, 'q'>;

export interface FavoriteSetPayload {
  messageId: string;
  favorite: boolean;
}

export interface ReactionSetPayload {
  messageId: string;
  /** An emoji or a short name, as the gateway checked it. */
  emoji: string;
  reacted: boolean;
}

export interface PinSetPayload {
  messageId: string;
  pinned: boolean;
}

export interface PinListPayload {
  roomId: string;
  before?: string;
  after?: string;
  limit?: number;
}

export interface FavoriteListPayload {
  before?: string;
  after?: string;
  limit?: number;
}

export interface ReminderCreatePayload {
  messageId: string;
  /** ISO time, in the future. */
  at: string;
}

export interface ReminderDeletePayload {
  messageId: string;
  reminderId: string;
}

export interface ReminderListPayload {
  cursor?: string;
  limit?: number;
}
