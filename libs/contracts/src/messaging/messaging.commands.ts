import type { AttachmentView, MessageSource, MessageView } from '../views.js';

/** Payloads of the messaging app's request-reply patterns (what follows `actor` in a CommandMessage). */

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
  message: MessageView;
}
