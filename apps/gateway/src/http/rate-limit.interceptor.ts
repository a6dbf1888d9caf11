import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { Observable } from 'rxjs';
import { AppError, ErrorCodes, type Actor } from '@parley/contracts';
import { RedisConnection } from '@parley/platform';
import { GatewayConfig } from '../gateway.config.js';
import { LeasedBudget } from './leased-budget.js';
import { sharedBudget } from './shared-budget.js';

/**
 * A per-user request budget over a window, counted in Redis so every gateway instance shares it
 * (per IP for requests without a token), in memory per instance while Redis is away, and spent
 * through small leases so a busy user does not wait on Redis for every request (LeasedBudget).
 * Runs after authentication, before validation: a refused request does nothing and answers 429
 * with Retry-After.
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  private readonly limiter: LeasedBudget;

  constructor(
    redis: RedisConnection,
    private readonly config: GatewayConfig,
  ) {
    const shared = sharedBudget(redis, { keyPrefix: 'ratelimit', points: config.RATE_LIMIT_POINTS, duration: config.RATE_LIMIT_WINDOW_SECONDS });
    this.limiter = new LeasedBudget(shared, config.RATE_LIMIT_POINTS);
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<Request & { user?: Actor }>();
    const response = context.switchToHttp().getResponse<Response>();
    // Providers' webhooks are signed and come in bursts from a few addresses: a 429 would lose an
    // inbound SMS (Twilio does not retry it), so they are not counted against a per-IP budget.
    if (request.path.startsWith('/webhooks/')) return next.handle();
    // JSON, not `account:user`: either id may hold a colon, and `x`/`a:b` must not share `x:a`/`b`'s budget.
    const key = request.user ? `user:${JSON.stringify([request.user.accountId, request.user.userId])}` : `ip:${request.ip}`;
    try {
      const state = await this.limiter.consume(key);
      response.setHeader('X-RateLimit-Limit', String(this.config.RATE_LIMIT_POINTS));
      response.setHeader('X-RateLimit-Remaining', String(state.remainingPoints));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      response.setHeader('X-RateLimit-Limit', String(this.config.RATE_LIMIT_POINTS));
      response.setHeader('X-RateLimit-Remaining', '0');
      throw new AppError(ErrorCodes.RateLimited, 429, `Too many requests: try again in ${seconds} s`, undefined, seconds);
    }
    return next.handle();
  }
}
