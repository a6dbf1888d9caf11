/**
 * Operators' queries. Each app with an outbox answers for its own outbox on its own command topic
 * (the pattern's first segment names the topic, so support-routing answers on `support.`).
 */
export const OutboxStatusPatterns = {
  rooms: 'rooms.ops.outbox-status',
  messaging: 'messaging.ops.outbox-status',
  'support-routing': 'support.ops.outbox-status',
  'outbound-delivery': 'outbound-delivery.ops.outbox-status',
} as const;

export type AppWithOutbox = keyof typeof OutboxStatusPatterns;

/** An app's outbox as its operator sees it: entries committed a while ago and still not on Kafka. */
export interface OutboxStatusView {
  /** Unsent entries older than the relay's normal publish delay. */
  backlog: number;
  /** Age of the oldest such entry, null when there is none. */
  oldest_unsent_age_ms: number | null;
}
