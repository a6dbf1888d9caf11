import { MessagingPatterns } from './messaging/messaging.patterns.js';
import { RoomsPatterns } from './rooms/rooms.patterns.js';

/** Every request-reply pattern, for topic provisioning and the gateway's reply subscriptions. */
export const AllPatterns: readonly string[] = [...Object.values(RoomsPatterns), ...Object.values(MessagingPatterns)];
