import { Injectable } from '@nestjs/common';
import { RateLimiterRes, type RateLimiterRedis } from 'rate-limiter-flexible';
import { AppError, ErrorCodes, type MessageSource } from '@parley/contracts';
import { RedisConnection } from '@parley/platform';
import { GatewayConfig } from '../gateway.config.js';
import { sharedBudget } from '../http/shared-budget.js';

/**
 * Per-account budgets of outbound SMS and email a minute (SMS_PER_MINUTE, EMAIL_PER_MINUTE), shared
 * by every gateway instance through Redis: past it a send on that channel is a 429 with Retry-After
 * and stores nothing, so one account cannot run up the provider bill or its sender reputation.
 */
@Injectable()
export class OutboundLimits {
  private readonly limiters: Record<'sms' | 'email', RateLimiterRedis>;

  constructor(redis: RedisConnection, config: GatewayConfig) {
    this.limiters = {
      sms: sharedBudget(redis, { keyPrefix: 'outbound:sms', points: config.SMS_PER_MINUTE, duration: 60 }),
      email: sharedBudget(redis, { keyPrefix: 'outbound:email', points: config.EMAIL_PER_MINUTE, duration: 60 }),
    };
  }

  /** Counts a send on an outbound channel against the account's budget; chat sends are free. */
  async consume(accountId: string, source: MessageSource | undefined): Promise<void> {
    if (source !== 'sms' && source !== 'email') return;
    try {
      await this.limiters[source].consume(accountId);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new AppError(ErrorCodes.RateLimited, 429, `Too many ${source === 'sms' ? 'SMS' : 'emails'} from this account: try again in ${seconds} s`, undefined, seconds);
    }
  }
}

