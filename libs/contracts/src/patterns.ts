import { MessagingPatterns } from './messaging/messaging.patterns.js';
import { RoomsPatterns } from './rooms/rooms.patterns.js';
import { OutboundDeliveryPatterns } from './delivery/delivery.patterns.js';
import { M2mPatterns } from './m2m/m2m.patterns.js';
import { SupportPatterns } from './support/support.patterns.js';
import { OutboxStatusPatterns } from './ops/ops.patterns.js';
import { DeadLetterPatterns } from './ops/dead-letters.js';

/** Every request-reply pattern. */
export const AllPatterns: readonly string[] = [
  ...Object.values(RoomsPatterns),
  ...Object.values(MessagingPatterns),
  ...Object.values(SupportPatterns),
  ...Object.values(OutboundDeliveryPatterns),
  ...Object.values(M2mPatterns),
  ...Object.values(OutboxStatusPatterns),
  ...Object.values(DeadLetterPatterns),
];

/**
 * The Kafka topic that carries the commands and queries of the app a pattern names
 * (`rooms.room.create` → `rooms.commands`); the pattern itself travels in {@link PATTERN_HEADER}.
 * One topic per app rather than per pattern: every fetch of an app names a few partitions instead
 * of a hundred, which the broker and kafkajs pay for on each message and on each idle poll.
 * Key: the entity the command is about (room, message or user); commands with one key run in order.
 */
export function commandTopic(pattern: string): string {
  return `${pattern.slice(0, pattern.indexOf('.'))}.commands`;
}

/** The Kafka header naming the pattern of a command. */
export const PATTERN_HEADER = 'parley-pattern';

/** Every command topic, for topic provisioning. */
export const AllCommandTopics: readonly string[] = [...new Set(AllPatterns.map(commandTopic))];

/**
 * Replies to every command and query. Key: none; each request names the partition its sender
 * owns. One topic rather than one per pattern, for the same reason as the command topics.
 */
export const ReplyTopic = 'parley.replies';
