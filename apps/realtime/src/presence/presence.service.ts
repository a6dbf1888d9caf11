import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { createEnvelope, EventTopics, type Actor, type PresenceChangedData, type PresenceStatus } from '@parley/contracts';
import { KafkaConnection } from '@parley/kafka';
import { currentTraceHeaders, RedisConnection } from '@parley/platform';
import { RealtimeConfig } from '../realtime.config.js';

/** A device counts as connected this long after its instance last vouched for it (instances crash). */
const DEVICE_LEASE_MS = 90_000;
const REFRESH_EVERY_MS = 30_000;

/**
 * Presence from devices: each socket is recorded in Redis (shared by every realtime instance). The
 * first device of a user makes them online; when the last one has been gone for the grace period
 * they go offline. Each change is published as `parley.presence.changed` (source `sockets`): rooms
 * keeps it in the history and realtime pushes `status_changed` to the team.
 */
@Injectable()
export class PresenceService implements OnModuleInit, OnApplicationShutdown {
  private readonly local = new Map<string, { actor: Actor; conversationId: string }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: RedisConnection,
    private readonly kafka: KafkaConnection,
    private readonly config: RealtimeConfig,
    @InjectPinoLogger(PresenceService.name) private readonly logger: PinoLogger,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.refresh(), REFRESH_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** A device connected: the user is online if it is their first. */
  async connected(socketId: string, actor: Actor, conversationId: string): Promise<void> {
    this.local.set(socketId, { actor, conversationId });
    await this.redis.client.zadd(this.devicesKey(actor.accountId, conversationId), Date.now() + DEVICE_LEASE_MS, socketId);
    await this.announce(actor, conversationId, 'online');
  }

  /** A device left: after the grace period, the user is offline if no device came back. */
  async disconnected(socketId: string, actor: Actor, conversationId: string): Promise<void> {
    this.local.delete(socketId);
    const key = this.devicesKey(actor.accountId, conversationId);
    await this.redis.client.zrem(key, socketId);
    setTimeout(() => {
      void this.liveDevices(key)
        .then((count) => (count === 0 ? this.announce(actor, conversationId, 'offline') : undefined))
        .catch((error: unknown) => this.logger.error({ err: error }, 'presence check failed'));
    }, this.config.PRESENCE_GRACE_MS).unref();
  }

  /** A status the user chose on a device (say, offline while still connected). */
  async declared(actor: Actor, conversationId: string, status: PresenceStatus): Promise<void> {
    await this.announce(actor, conversationId, status);
  }

  private async liveDevices(key: string): Promise<number> {
    await this.redis.client.zremrangebyscore(key, '-inf', Date.now());
    return this.redis.client.zcard(key);
  }

  /** Publishes a status once per change, whichever instance sees it first. */
  private async announce(actor: Actor, conversationId: string, status: PresenceStatus): Promise<void> {
    const previous = await this.redis.client.set(this.statusKey(actor.accountId, conversationId), status, 'GET');
    if (previous === status) return;
    const data: PresenceChangedData = { conversation_id: conversationId, user_id: actor.userId, status, source: 'sockets' };
    const envelope = createEnvelope({ type: EventTopics.PresenceChanged, accountId: actor.accountId, key: conversationId, actor: { ...actor, conversationId }, data });
    await this.kafka.publish([
      { topic: EventTopics.PresenceChanged, messages: [{ key: conversationId, value: JSON.stringify(envelope), headers: currentTraceHeaders() }] },
    ]);
  }

  /** Renews this instance's devices, so a crashed instance's devices lapse by themselves. */
  private async refresh(): Promise<void> {
    if (this.local.size === 0) return;
    const until = Date.now() + DEVICE_LEASE_MS;
    const pipeline = this.redis.client.pipeline();
    for (const [socketId, { actor, conversationId }] of this.local) pipeline.zadd(this.devicesKey(actor.accountId, conversationId), until, socketId);
    await pipeline.exec().catch((error: unknown) => this.logger.warn({ err: error }, 'presence refresh failed'));
  }

  private devicesKey(accountId: string, conversationId: string): string {
    return `presence:devices:${accountId}:${conversationId}`;
  }

  private statusKey(accountId: string, conversationId: string): string {
    return `presence:status:${accountId}:${conversationId}`;
  }
}
