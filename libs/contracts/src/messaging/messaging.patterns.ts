/**
 * Request-reply patterns the messaging app serves, named `<app>.<entity>.<action>`. Each is a Kafka
 * topic; its replies come back on `<pattern>.reply`.
 */
export const MessagingPatterns = {
  /** Store a message in a room (idempotent on clientMessageId). */
  MessageCreate: 'messaging.message.create',
  /** Page a room's messages newest first. */
  MessageList: 'messaging.message.list',
} as const;
