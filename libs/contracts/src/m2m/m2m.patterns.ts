/**
 * Request-reply patterns of the machine-to-machine endpoints (`/m2m/...`, scope `conversation.m2m`):
 * the listing conversation service's contract, on Parley's stack. Messages are messaging's, threads rooms'.
 */
export const M2mPatterns = {
  MessageCreate: 'messaging.m2m-message.create',
  MessageBulkCreate: 'messaging.m2m-message.bulk-create',
  MessageUpdate: 'messaging.m2m-message.update',
  MessageDelete: 'messaging.m2m-message.delete',
  MessageUpdateByQuery: 'messaging.m2m-message.update-by-query',
  MessageDeleteByQuery: 'messaging.m2m-message.delete-by-query',
  MessageUpdateByIdList: 'messaging.m2m-message.update-by-id-list',
  ThreadCreate: 'rooms.m2m-thread.create',
  ThreadBulkCreate: 'rooms.m2m-thread.bulk-create',
  ThreadUpdate: 'rooms.m2m-thread.update',
  ThreadDelete: 'rooms.m2m-thread.delete',
  ThreadUpdateByQuery: 'rooms.m2m-thread.update-by-query',
  ThreadDeleteByQuery: 'rooms.m2m-thread.delete-by-query',
  ThreadUpdateByIdList: 'rooms.m2m-thread.update-by-id-list',
} as const;

/** What an m2m call carries: the seed's body shapes, and the id of the path. */
export interface M2mPayload {
  id?: string;
  data?: Record<string, unknown>;
  dataList?: Record<string, unknown>[];
  dataClause?: Record<string, unknown>;
  query?: Record<string, unknown>;
  idList?: string[];
  /** Creates: the caller's Idempotency-Key header, so that a retry with it stores nothing new. */
  idempotencyKey?: string;
}

/** A listing message in the seed's vocabulary. */
export interface ConversationMessageView {
  id: string;
  conversationThreadId: string;
  senderId: string;
  receiverId: string | null;
  content: string;
  isRead: boolean;
  readAt: string | null;
  sentAt: string;
  isActive: boolean;
}

/** A listing thread in the seed's vocabulary: two users about one listing. */
export interface ConversationThreadView {
  id: string;
  listingId: string;
  /** The two participants' user ids (JWT subs), in the order they were given. */
  participantIds: string[];
  lastMessageAt: string | null;
  isActive: boolean;
  createdAt: string;
}

/** What a write of several documents did. */
export interface M2mWriteResult {
  matched: number;
  modified: number;
}

/**
 * A read mark a service set, as rooms applies it to the reader's unread count: per room and
 * reader, the latest message now read (rooms never moves a read mark back, so applying it again
 * changes nothing).
 */
export interface ServiceReadMark {
  room_id: string;
  conversation_id: string;
  message_id: string;
}

/** messaging's answer to an m2m change: what the caller gets, and what rooms applies to unread counts before the gateway answers. */
export interface M2mChanged<T> {
  value: T;
  reads: ServiceReadMark[];
  /** Per room and reader, the earliest message a service marked unread: their read mark goes back to before it. */
  unreads: ServiceReadMark[];
  /** Rooms a message came back to (reactivated): their unread counts are counted again. */
  recounts: string[];
}
