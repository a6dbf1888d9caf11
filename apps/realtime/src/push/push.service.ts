import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { EventEnvelope } from '@parley/contracts';
import { Metrics, RedisConnection } from '@parley/platform';
import { RealtimeConfig } from '../realtime.config.js';
import { RealtimeGateway } from '../socket/realtime.gateway.js';
import { accountRoom, conversationRoom } from '../socket/socket-identity.js';
import type { Delivery, Push } from './deliveries.js';

/** What became of one event: pushed, skipped as already pushed, or skipped as too old to matter. */
export type PushOutcome = 'pushed' | 'duplicate' | 'stale';

/** How long an event id is remembered: longer than any Kafka redelivery. */
export const SEEN_TTL_MS = 24 * 3600 * 1000;

/** The Redis key that marks an event as pushed, shared by every realtime instance. */
export function seenKey(eventId: string): string {
  return `realtime:event:${eventId}`;
}

/**
 * The Redis set of the conversations taken out of a room (and not put back), kept a day after the
 * last removal: messages and room changes travel on different topics, so a message stored just
 * before a member was removed can reach realtime after their `removed` push, and must not follow it.
 */
export function leftKey(accountId: string, roomId: string): string {
  return `realtime:left:${accountId}:${roomId}`;
}

/**
 * Pushes an event's deliveries to sockets once per event: Kafka may redeliver, so the event id is
 * claimed in Redis first and a second delivery of it does nothing. Emitting goes through the
 * Socket.IO server, whose Redis adapter reaches sockets on every realtime instance. Room names
 * carry the envelope's account, so no delivery can reach another account's sockets. Once a member's
 * devices were told they are out of a room (`removed`), nothing more of that room reaches them
 * until they are put back in (`room_created`).
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
    // API) rather than sending them twice, which a client would show as duplicates. Who left the
    // events' rooms is read in the same round trip (the client pipelines commands of one tick).
    const [claimed, left] = await Promise.all([this.claim(current.map(({ envelope }) => envelope.id)), this.leftOfRooms(current)]);
    let at = 0;
    for (const [index, { envelope, deliveries }] of events.entries()) {
      if (outcomes[index] === 'stale') continue;
      if (!claimed[at++]) {
        this.logger.debug({ eventId: envelope.id }, 'duplicate event not pushed again');
        outcomes[index] = 'duplicate';
        continue;
      }
      const roomId = roomOf(deliveries);
      if (roomId === null) {
        this.emit(envelope, deliveries, NOBODY);
        continue;
      }
      const roomLeft = left.get(leftKey(envelope.accountId, roomId)) ?? new Set<string>();
      await this.recordMembership(envelope.accountId, roomId, deliveries, roomLeft);
      this.emit(envelope, deliveries, roomLeft);
    }
    return outcomes;
  }

  /** Who left each room the events push to, by leftKey. */
  private async leftOfRooms(events: { envelope: EventEnvelope; deliveries: Delivery[] }[]): Promise<Map<string, Set<string>>> {
    const keys = new Set<string>();
    for (const { envelope, deliveries } of events) {
      const roomId = roomOf(deliveries);
      if (roomId !== null) keys.add(leftKey(envelope.accountId, roomId));
    }
    const members = await Promise.all([...keys].map((key) => this.redis.client.smembers(key)));
    return new Map([...keys].map((key, index) => [key, new Set(members[index])]));
  }

  /**
   * Keeps the room's left set up to date with this event before its pushes go out: members it
   * removed are added (their `removed` push is the last of the room they get), members it put back
   * in are taken out. `left` is updated to match.
   */
  private async recordMembership(accountId: string, roomId: string, deliveries: Delivery[], left: Set<string>): Promise<void> {
    const removed = deliveries.filter(({ payload }) => isRemoval(payload)).flatMap(({ conversationIds }) => conversationIds);
    const back = deliveries.filter(({ payload }) => payload.event === 'room_created').flatMap(({ conversationIds }) => conversationIds.filter((id) => left.has(id)));
    if (removed.length === 0 && back.length === 0) return;
    const key = leftKey(accountId, roomId);
    const commands: string[][] = [];
    if (back.length > 0) commands.push(['srem', key, ...back]);
    if (removed.length > 0) commands.push(['sadd', key, ...removed], ['pexpire', key, String(SEEN_TTL_MS)]);
    const replies = await this.redis.client.multi(commands).exec();
    if (!replies) throw new Error('Redis discarded a change of who left a room');
    for (const [error] of replies) if (error) throw error;
    for (const id of back) left.delete(id);
    for (const id of removed) left.add(id);
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

  /** Emits each delivery, leaving out members who left the room (but for the push telling them so). */
  private emit(envelope: EventEnvelope, deliveries: Delivery[], left: ReadonlySet<string>): void {
    for (const { conversationIds: addressed, wholeAccount, payload } of deliveries) {
      Metrics.pushesSent.inc({ event: payload.event });
      if (wholeAccount) {
        this.gateway.server.to(accountRoom(envelope.accountId)).emit(payload.event, payload);
        continue;
      }
      const conversationIds = left.size === 0 || isRemoval(payload) ? addressed : addressed.filter((id) => !left.has(id));
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

const NOBODY: ReadonlySet<string> = new Set();

/** The room an event's pushes belong to, if they are a room's (presence and support assignments are not). */
function roomOf(deliveries: Delivery[]): string | null {
  for (const { payload } of deliveries) {
    if (payload.event !== 'status_changed' && payload.event !== 'support_assigned') return payload.room_id;
  }
  return null;
}

/** The push telling members they are out of a room. */
function isRemoval(payload: Push): boolean {
  return payload.event === 'room_updated' && payload.removed === true;
}
