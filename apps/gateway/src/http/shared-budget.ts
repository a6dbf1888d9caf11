import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { RedisConnection } from '@parley/platform';

/**
 * A request budget over a window, counted in Redis so every gateway instance shares it. While Redis
 * is down or reconnecting each instance counts in its own memory instead: a lost counter store
 * must not turn every request into a 500, nor make requests wait on Redis' retries.
 */
export function sharedBudget(redis: RedisConnection, options: { keyPrefix: string; points: number; duration: number }): RateLimiterRedis {
  return new RateLimiterRedis({
    storeClient: redis.client,
    ...options,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory(options),
  });
}
