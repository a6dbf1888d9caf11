import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { EventEnvelope } from '@parley/contracts';
import { Metrics, RedisConnection } from '@parley/platform';
import { RealtimeConfig } from '../realtime.config.js';
import { RealtimeGateway } from '../socket/realtime.gateway.js';
import { accountRoom, conversationRoom } from '../socket/socket-identity.js';
import type { Delivery } from './deliveries.js';

/** What became of one event: pushed, skipped as already pushed, or skipped as too old to matter. */
export type PushOutcome = 'pushed' | 'duplicate' | 'stale';

/** How long an event id is remembered: longer than any Kafka redelivery. */
export const SEEN_TTL_MS = 24 * 3600 * 1000;

/** The Redis key that marks an event as pushed, shared by every realtime instance. */
export function seenKey(eventId: string): string {
  return `realtime:event:${eventId}`;
}

/**
 * Pushes an event's deliveries to sockets once per event: Kafka may redeliver, so the event id is
 * claimed in Redis first and a second delivery of it does nothing. Emitting goes through the
 * Socket.IO server, whose Redis adapter reaches sockets on every realtime instance. Room names
 * carry the envelope's account, so no delivery can reach another account's sockets.
 */
@Injectable()
export class PushService {
  constructor(
    private readonly gateway: RealtimeGateway,
    private readonly redis: RedisConnection,
    private readonly config: RealtimeConfig,
    @InjectPinoLogger(PushService.name) private readonly logger: PinoLogger,
  ) {}

  /** Emits each delivery to its conversations' sockets, unless this event was pushed before or is stale. */
  async pushOnce(envelope: EventEnvelope, deliveries: Delivery[]): Promise<PushOutcome> {
    if (this.isStale(envelope)) {
      this.logger.debug({ eventId: envelope.id, occurredAt: envelope.occurredAt }, 'stale event not pushed');
      return 'stale';
    }
    // Claimed before emitting: a crash in between loses this push (clients catch up through the
    // API) rather than sending it twice, which a client would show as a duplicate.
    const claimed = await this.redis.client.set(seenKey(envelope.id), '1', 'PX', SEEN_TTL_MS, 'NX');
    if (claimed !== 'OK') {
      this.logger.debug({ eventId: envelope.id }, 'duplicate event not pushed again');
      return 'duplicate';
    }
    for (const { conversationIds, wholeAccount, payload } of deliveries) {
      Metrics.pushesSent.inc({ event: payload.event });
      if (wholeAccount) {
        this.gateway.server.to(accountRoom(envelope.accountId)).emit(payload.event, payload);
        continue;
      }
      if (conversationIds.length === 0) continue;
      const rooms = conversationIds.map((conversationId) => conversationRoom(envelope.accountId, conversationId));
      this.gateway.server.to(rooms).emit(payload.event, payload);
    }
    return 'pushed';
  }

  private isStale(envelope: EventEnvelope): boolean {
    if (this.config.PUSH_MAX_AGE_MS === 0) return false;
    const occurredAt = Date.parse(envelope.occurredAt);
    return Number.isFinite(occurredAt) && Date.now() - occurredAt > this.config.PUSH_MAX_AGE_MS;
  }
}
