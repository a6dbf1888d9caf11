import { Global, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { DependencyProbe } from '../health/health.module.js';

/** An app's Redis: one shared connection, plus dedicated ones for blocking readers (the Socket.IO adapter). */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  readonly client: Redis;
  private readonly extra: Redis[] = [];

  constructor(private readonly url: string) {
    this.client = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: false });
  }

  /** A connection of its own, for a reader that blocks it (XREAD BLOCK); closed with the app. */
  dedicated(): Redis {
    const connection = this.client.duplicate();
    this.extra.push(connection);
    return connection;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.client, ...this.extra].map((connection) => connection.quit()));
  }
}

/** Health of Redis: PING. */
@Injectable()
export class RedisProbe implements DependencyProbe {
  readonly name = 'redis';

  constructor(private readonly redis: RedisConnection) {}

  async probe(): Promise<Record<string, unknown>> {
    const answer = await this.redis.client.ping();
    if (answer !== 'PONG') throw new Error(`PING answered ${answer}`);
    return {};
  }
}

@Global()
@Module({})
export class RedisModule {
  static forRoot(url: string): DynamicModule {
    return {
      module: RedisModule,
      providers: [{ provide: RedisConnection, useFactory: () => new RedisConnection(url) }, RedisProbe],
      exports: [RedisConnection, RedisProbe],
    };
  }
}
