import type { MessageStateView } from './messaging.views.js';
import type { MessageDeleteScope } from './messaging.commands.js';

/** What a `parley.message.updated` event carries (version 1). Key: room id. */
export interface MessageUpdatedData {
  room_id: string;
  /** The message as it is now, with `edited_at` set. */
  message: MessageStateView;
  /** Conversation ids that may see the message (its receivers, less those who deleted it for themselves). */
  receivers: string[];
  /**
   * One member's own state of the message (they favorited or unfavorited it): the message itself is
   * unchanged, and only that member's devices are told (`receivers` is that member alone).
   */
  member_state?: { conversation_id: string; favorite: boolean };
}

/** What a `parley.message.deleted` event carries (version 1). Key: room id. */
export interface MessageDeletedData {
  room_id: string;
  message_id: string;
  /** `me`: hidden from one conversation only; `everyone`: its content is gone for the whole room. */
  for: MessageDeleteScope;
  /** With `for: 'me'`: the conversation the message was hidden from. */
  conversation_id?: string;
  /** Conversation ids whose devices should drop the message: the one caller for `me`, every receiver for `everyone`. */
  receivers: string[];
  /** With `for: 'everyone'`: who had already hidden it for themselves (their unread counts let it go then). */
  hidden_from?: string[];
  /** With `for: 'me'`: it was already deleted for everyone (unread counts let it go then). */
  deleted_for_everyone?: boolean;
  /** The room's change number of this deletion (the message's `rev` from now on); absent in events stored before change numbers began. */
  rev?: number;
}

/** What a `parley.reminder.due` event carries (version 1). Key: room id. Fired once per reminder. */
export interface ReminderDueData {
  reminder_id: string;
  message_id: string;
  room_id: string;
  /** The conversation that set the reminder: only its devices are told. */
  conversation_id: string;
  /** When the reminder was due (ISO time); it may fire later if messaging was down then. */
  at: string;
}
