import type { AttachmentView, MessageSource } from './views.js';

/** Payloads of the request-reply patterns (what follows `actor` in a CommandMessage). */

export interface RoomCreatePayload {
  type: 'direct';
  member?: string;
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
}

export interface MessageCreatePayload {
  roomId: string;
  content: string;
  source?: MessageSource;
  clientMessageId?: string;
  attachments?: AttachmentView[];
}

export interface MessageListPayload {
  roomId: string;
  before?: string;
  after?: string;
  limit?: number;
}

/** The reply of messaging.message.create: the message, and whether this call stored it. */
export interface MessageCreateResult {
  created: boolean;
  message: import('./views.js').MessageView;
}
