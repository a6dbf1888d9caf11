import { Global, Module, type DynamicModule } from '@nestjs/common';
import { REDIS_URL, RedisConnection } from './redis.connection.js';
import { RedisProbe } from './redis.probe.js';

export * from './redis.connection.js';
export * from './redis.probe.js';

/** Redis for an app that needs it (realtime; the gateway's rate limits): one client, injectable anywhere. */
@Global()
@Module({})
export class RedisModule {
  static forRoot(url: string): DynamicModule {
    return {
      module: RedisModule,
      providers: [{ provide: REDIS_URL, useValue: url }, RedisConnection, RedisProbe],
      exports: [RedisConnection, RedisProbe],
    };
  }
}
