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
    const [outcome] = await this.pushAllOnce([{ envelope, deliveries }]);
    return outcome;
  }

  /**
   * pushOnce for a run of events (one room's, in order): their ids are claimed in one Redis
   * transaction, all or none (a run is one round trip, not one per event), then each event claimed
   * now is emitted, in order.
   */
  async pushAllOnce(events: { envelope: EventEnvelope; deliveries: Delivery[] }[]): Promise<PushOutcome[]> {
    const outcomes: PushOutcome[] = events.map(({ envelope }) => (this.isStale(envelope) ? 'stale' : 'pushed'));
    const current = events.filter((_, index) => outcomes[index] === 'pushed');
    for (const { envelope } of events.filter((_, index) => outcomes[index] === 'stale')) {
      this.logger.debug({ eventId: envelope.id, occurredAt: envelope.occurredAt }, 'stale event not pushed');
    }
    // Claimed before emitting: a crash in between loses these pushes (clients catch up through the
    // API) rather than sending them twice, which a client would show as duplicates.
    const claimed = await this.claim(current.map(({ envelope }) => envelope.id));
    let at = 0;
    events.forEach(({ envelope, deliveries }, index) => {
      if (outcomes[index] === 'stale') return;
      if (!claimed[at++]) {
        this.logger.debug({ eventId: envelope.id }, 'duplicate event not pushed again');
        outcomes[index] = 'duplicate';
        return;
      }
      this.emit(envelope, deliveries);
    });
    return outcomes;
  }

  /** Whether each event id was unclaimed (and is claimed now, for a day). */
  private async claim(eventIds: string[]): Promise<boolean[]> {
    if (eventIds.length === 0) return [];
    if (eventIds.length === 1) return [(await this.redis.client.set(seenKey(eventIds[0]), '1', 'PX', SEEN_TTL_MS, 'NX')) === 'OK'];
    const replies = await this.redis.client.multi(eventIds.map((eventId) => ['set', seenKey(eventId), '1', 'PX', String(SEEN_TTL_MS), 'NX'])).exec();
    if (!replies) throw new Error('Redis discarded the claims of a run of events');
    return replies.map(([error, reply]) => {
      if (error) throw error;
      return reply === 'OK';
    });
  }

  private emit(envelope: EventEnvelope, deliveries: Delivery[]): void {
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
  }

  private isStale(envelope: EventEnvelope): boolean {
    if (this.config.PUSH_MAX_AGE_MS === 0) return false;
    const occurredAt = Date.parse(envelope.occurredAt);
    return Number.isFinite(occurredAt) && Date.now() - occurredAt > this.config.PUSH_MAX_AGE_MS;
  }
}
