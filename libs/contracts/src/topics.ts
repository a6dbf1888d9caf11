/**
 * Kafka topics of domain events. Events are facts, named `parley.<entity>.<past-tense verb>`;
 * every one travels in an {@link EventEnvelope}. The comment on each says what it announces and
 * its partition key (order is kept per key).
 */
export const EventTopics = {
  /** A message was stored in a room. Key: room id. */
  MessageCreated: 'parley.message.created',
  /** A message's content was edited. Key: room id. */
  MessageUpdated: 'parley.message.updated',
  /** A message was deleted for one user or for everyone. Key: room id. */
  MessageDeleted: 'parley.message.deleted',
  /** A room was created. Key: room id. */
  RoomCreated: 'parley.room.created',
  /** A room's state changed (last message, unread counts, name, members). Key: room id. */
  RoomUpdated: 'parley.room.updated',
  /** A member read a room up to a message. Key: room id. */
  RoomRead: 'parley.room.read',
  /** A user's presence (online/offline) changed. Key: conversation id. */
  PresenceChanged: 'parley.presence.changed',
  /** A member is typing in a room. Key: room id. */
  Typing: 'parley.typing',
  /** A reminder on a message fell due. Key: room id. */
  ReminderDue: 'parley.reminder.due',
  /** A support room was assigned to a team member. Key: inbox id. */
  SupportAssigned: 'parley.support.assigned',
  /**
   * A message was stored in a support room: the same data as `parley.message.created`, on a topic of
   * its own so support-routing reads support rooms' messages without fetching every other. Key: room id.
   */
  SupportMessageCreated: 'parley.support.message.created',
  /** A support room's support state changed (status, assignee, response times). Key: room id. */
  SupportUpdated: 'parley.support.updated',
  /** A message must go out by SMS or email. Key: room id. */
  DeliveryRequested: 'parley.delivery.requested',
  /** A provider reported on an outbound SMS or email. Key: room id. */
  DeliveryStatus: 'parley.delivery.status',
  /** An SMS or email came in from outside. Key: the sender's address. */
  InboundReceived: 'parley.inbound.received',
} as const;

export type EventTopic = (typeof EventTopics)[keyof typeof EventTopics];

/** Where a consumer parks an event it could not process after its retries. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

/** Every event topic with its dead-letter topic, for topic provisioning. */
export const AllEventTopics: readonly string[] = Object.values(EventTopics);

/** The Kafka header that carries the correlation id of the request that caused a message. */
export const CORRELATION_ID_HEADER = 'x-correlation-id';
