import type { ReminderDueData, ReminderView } from '@parley/contracts';
import type { StoredReminder } from './reminders.repository.js';

/** A stored reminder as the API shows it. */
export function toReminderView(reminder: StoredReminder): ReminderView {
  return {
    id: reminder._id.toHexString(),
    message_id: reminder.message_id.toHexString(),
    room_id: reminder.room_id.toHexString(),
    at: reminder.at.toISOString(),
    status: reminder.status,
  };
}

/** What the `parley.reminder.due` event of a reminder carries. */
export function reminderDueData(reminder: StoredReminder): ReminderDueData {
  return {
    reminder_id: reminder._id.toHexString(),
    message_id: reminder.message_id.toHexString(),
    room_id: reminder.room_id.toHexString(),
    conversation_id: reminder.conversation_id.toHexString(),
    at: reminder.at.toISOString(),
  };
}
