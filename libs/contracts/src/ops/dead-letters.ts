import type { EventEnvelope } from '../envelope.js';

/**
 * Operators' dead letters. Events a consumer gave up on are parked on `<topic>.dlq` by whichever
 * app failed them; outbound-delivery keeps every dead-letter topic's messages (`ops.dead_letters`)
 * and answers for them on its command topic.
 */
export const DeadLetterPatterns = {
  /** An account's dead letters, newest first, optionally of one topic. */
  List: 'outbound-delivery.dead-letter.list',
  /** Publishes a dead letter's event again to its topic, for the consumer that failed it; idempotent. */
  Replay: 'outbound-delivery.dead-letter.replay',
} as const;

/** Headers a parked event carries on its dead-letter topic, besides its own (correlation id, trace context). */
export const DeadLetterHeaders = {
  /** The consumer (handler) that gave up: `rooms.message-created`. */
  consumer: 'x-dlq-consumer',
  /** Its app, the consumer group. */
  group: 'x-dlq-group',
  /** Why, the last error's message. */
  reason: 'x-dlq-reason',
  attempts: 'x-dlq-attempts',
  /** Where the event was on its own topic. */
  partition: 'x-dlq-partition',
  offset: 'x-dlq-offset',
  /** When it was parked (ISO time). */
  at: 'x-dlq-at',
} as const;

/**
 * The header of a replayed event: the one consumer it is for. The other consumers of its topic
 * handled it the first time and pass it by.
 */
export const REPLAY_FOR_HEADER = 'parley-replay-for';

/** `outbound-delivery.dead-letter.list`. */
export interface DeadLetterListPayload {
  topic?: string;
  before?: string;
  after?: string;
  limit?: number;
}

/** `outbound-delivery.dead-letter.replay`. */
export interface DeadLetterReplayPayload {
  deadLetterId: string;
}

/** An event a consumer gave up on, as an operator sees it. */
export interface DeadLetterView {
  id: string;
  account_id: string;
  /** The event's own topic (where a replay publishes it), partition and offset there. */
  topic: string;
  partition: number | null;
  offset: string | null;
  key: string | null;
  /** The headers it travelled with: correlation id, W3C trace context. */
  headers: Record<string, string>;
  event: EventEnvelope;
  /** The consumer (handler) that gave up on it, and its app (the consumer group). */
  consumer: string;
  group: string;
  /** Why: the last error's message. */
  error: string;
  attempts: number;
  dead_lettered_at: string;
  /** The first replay, who asked for it and when; null until then. A second replay changes nothing. */
  replayed: { at: string; by: string } | null;
}
