import { Injectable } from '@nestjs/common';
import type { DependencyProbe } from '../health/health.module.js';
import { RedisConnection } from './redis.connection.js';

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
