import type { MessageView } from '../views.js';

/**
 * A message as the messaging endpoints return it: the shared MessageView plus its edit and delete
 * state. A message deleted for everyone keeps its place (id, seq, author, times) but shows
 * `deleted: true`, `content: ''` and no attachments.
 */
export interface MessageStateView extends MessageView {
  deleted: boolean;
  /** When the content was last edited; null if never. */
  edited_at: string | null;
  /** Only in a page of changes (`changed_after`): the caller deleted the message for themselves, so it goes from their devices. */
  hidden?: true;
}

/** A message's edit history: every earlier content, oldest first, and the current one. */
export interface MessageHistoryView {
  message_id: string;
  /** Earlier versions, each with when it was replaced. (A message deleted for everyone has no history: a 404.) */
  edits: { content: string; edited_at: string }[];
  current: { content: string; edited_at: string | null };
}

/** One of the caller's favorite messages. */
export interface FavoriteMessageView {
  message_id: string;
  room_id: string;
  favorited_at: string;
  message: MessageStateView;
}

export type ReminderStatus = 'pending' | 'fired' | 'cancelled';

/** A reminder the caller set on a message. */
export interface ReminderView {
  id: string;
  message_id: string;
  room_id: string;
  at: string;
  status: ReminderStatus;
}
