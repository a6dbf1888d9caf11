import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Redis } from 'ioredis';
import { settleWithin } from '../settle-within.js';

/** Injection token of the Redis URL given to RedisModule.forRoot. */
export const REDIS_URL = 'PARLEY_REDIS_URL';

/** How long start-up waits for Redis before it gives up, as it does for MongoDB and Kafka. */
const CONNECT_TIMEOUT_MS = 15_000;
/** How long a command of the shared client waits for Redis to answer: Redis answers in well under a millisecond. */
const COMMAND_TIMEOUT_MS = 1000;

/**
 * An app's Redis: one shared client, plus dedicated ones for libraries that need their own.
 * Start-up waits until Redis answers, so an app does not report itself started without it; every
 * client closes when the app stops.
 */
@Injectable()
export class RedisConnection implements OnModuleInit, OnApplicationShutdown {
  readonly client: Redis;
  private readonly dedicatedClients: Redis[] = [];

  constructor(
    @Inject(REDIS_URL) url: string,
    @InjectPinoLogger(RedisConnection.name) private readonly logger: PinoLogger,
  ) {
    // A command waits through a few reconnect attempts, then fails, so callers (Kafka handlers
    // with their own retries, health checks) see an outage instead of hanging on it; a command a
    // Redis does not answer (frozen, cut off without a reset) fails after COMMAND_TIMEOUT_MS (a rate
    // limit then counts in memory). Commands issued in the same tick share one write and one read (auto-pipelining).
    this.client = new Redis(url, { maxRetriesPerRequest: 3, commandTimeout: COMMAND_TIMEOUT_MS, enableAutoPipelining: true });
    // Without a listener ioredis prints every reconnect failure to stderr outside the JSON log.
    this.client.on('error', (error: Error) => this.logger.warn({ err: error }, 'redis connection error'));
  }

  /**
   * A client of its own for a library that blocks or subscribes on it (the Socket.IO adapter).
   * Its commands wait out an outage instead of failing: such libraries leave some command
   * promises unhandled, and a rejected one would end the process. Auto-pipelining only when the
   * library blocks on connections of its own (a blocking read would hold every command queued
   * behind it).
   */
  dedicated(options: { autoPipelining?: boolean } = {}): Redis {
    // No command timeout: such a library blocks on reads (XREAD BLOCK) longer than any timeout would allow.
    const client = this.client.duplicate({ maxRetriesPerRequest: null, commandTimeout: undefined, enableAutoPipelining: options.autoPipelining ?? false });
    // The shared client already logs an outage; the same errors here would only repeat it.
    client.on('error', (error: Error) => this.logger.debug({ err: error }, 'redis connection error (dedicated client)'));
    this.dedicatedClients.push(client);
    return client;
  }

  async onModuleInit(): Promise<void> {
    const deadline = Date.now() + CONNECT_TIMEOUT_MS;
    for (;;) {
      try {
        await this.client.ping();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`Redis did not answer within ${CONNECT_TIMEOUT_MS} ms: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.client, ...this.dedicatedClients].map((client) => closeClient(client)));
  }
}

/** How long a closing client may take to flush pending replies (a socket session being saved). */
const QUIT_TIMEOUT_MS = 2000;

/**
 * Quits a client once its pending commands are answered, but never waits on Redis that is gone:
 * a client that retries forever would otherwise hold shutdown with its queued commands.
 */
async function closeClient(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    await settleWithin(client.quit().then(() => undefined, () => undefined), QUIT_TIMEOUT_MS, () => undefined);
  }
  client.disconnect();
}
