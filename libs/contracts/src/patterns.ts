import { MessagingPatterns } from './messaging/messaging.patterns.js';
import { RoomsPatterns } from './rooms/rooms.patterns.js';

/** Every request-reply pattern, for topic provisioning. */
export const AllPatterns: readonly string[] = [...Object.values(RoomsPatterns), ...Object.values(MessagingPatterns)];

/**
 * Replies to every command and query. Key: none; each request names the partition its sender
 * owns. One topic rather than one per pattern: a sender fetches a few partitions, not hundreds.
 */
export const ReplyTopic = 'parley.replies';
