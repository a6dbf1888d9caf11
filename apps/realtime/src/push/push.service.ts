import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@parley/contracts';
import { RedisConnection } from '@parley/platform';
import { RealtimeGateway } from '../socket/realtime.gateway.js';
import { conversationRoom } from '../socket/socket-identity.js';

/** One socket event for the devices of one conversation. */
export interface Delivery {
  conversationId: string;
  event: string;
  payload: Record<string, unknown>;
}

/** How long an event id is remembered, longer than any Kafka redelivery. */
const SEEN_TTL_MS = 24 * 3600 * 1000;

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
  ) {}

  async pushOnce(envelope: EventEnvelope, deliveries: Delivery[]): Promise<boolean> {
    const claimed = await this.redis.client.set(`realtime:event:${envelope.id}`, '1', 'PX', SEEN_TTL_MS, 'NX');
    if (claimed !== 'OK') return false;
    for (const delivery of deliveries) {
      this.gateway.server.to(conversationRoom(envelope.accountId, delivery.conversationId)).emit(delivery.event, delivery.payload);
    }
    return true;
  }
}
