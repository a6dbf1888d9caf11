/**
 * Request-reply patterns the messaging app serves, named `<app>.<entity>.<action>`. They travel on the
 * app's command topic (see commandTopic); replies come back on `parley.replies`, on a partition the sender owns.
 */
export const MessagingPatterns = {
  /** Store a message in a room (idempotent on clientMessageId). */
  MessageCreate: 'messaging.message.create',
  /** Store a message a support room's contact wrote. */
  MessageCreateFromContact: 'messaging.message.create-from-contact',
  /** Page a room's messages newest first. */
  MessageList: 'messaging.message.list',
  /** Edit a message's content (author only), keeping the earlier versions. */
  MessageUpdate: 'messaging.message.update',
  /** The caller's account's content policy for listing messages. */
  ContentPolicyGet: 'messaging.content-policy.get',
  /** Set the account's content policy (admin). */
  ContentPolicySet: 'messaging.content-policy.set',
  /** A message's earlier contents, oldest first. */
  MessageHistory: 'messaging.message.history',
  /** Hide a message from the caller, or delete it for everyone (author or admin); never a hard delete. */
  MessageDelete: 'messaging.message.delete',
  /** Full-text search over every room the caller belongs to, newest first. */
  MessageSearch: 'messaging.message.search',
  /** The messages that mention the caller in every room they read, newest first. */
  MentionList: 'messaging.mention.list',
  /** Favorite or unfavorite a message for the caller (idempotent). */
  FavoriteSet: 'messaging.favorite.set',
  /** Give or take back the caller's reaction to a message (idempotent); every device is told. */
  ReactionSet: 'messaging.reaction.set',
  /** Pin a message to its room, or unpin it (idempotent); every device of the room is told. */
  PinSet: 'messaging.pin.set',
  /** A room's pinned messages, newest pinned first. */
  PinList: 'messaging.pin.list',
  /** The caller's favorite messages, newest favorited first. */
  FavoriteList: 'messaging.favorite.list',
  /** Remind the caller of a message at a time. */
  ReminderCreate: 'messaging.reminder.create',
  /** Cancel one of the caller's pending reminders. */
  ReminderDelete: 'messaging.reminder.delete',
  /** The caller's pending reminders, soonest first. */
  ReminderList: 'messaging.reminder.list',
} as const;
