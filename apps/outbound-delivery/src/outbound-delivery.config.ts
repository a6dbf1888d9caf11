import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ChannelsConfig } from '@parley/platform';

/** Settings of the outbound-delivery app, validated at start. */
export class OutboundDeliveryConfig extends ChannelsConfig {
  /** Port of the health endpoint. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(65535)
  OUTBOUND_DELIVERY_PORT = 3010;

  /** Provider calls per message before a transient failure (network, timeout, 429, 5xx) is final. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(20)
  DELIVERY_MAX_ATTEMPTS = 5;

  /** The first retry's wait; each next one doubles (with full jitter), up to DELIVERY_BACKOFF_MAX_MS. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  DELIVERY_BACKOFF_MS = 500;

  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  DELIVERY_BACKOFF_MAX_MS = 30_000;

  /** How long one provider call may take before it counts as a (transient) timeout. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(100)
  PROVIDER_TIMEOUT_MS = 10_000;

  /**
   * Test failpoints, each killing the process: `delivery.after-provider-call` after the provider took a
   * message and before it is recorded; `delivery.after-failed` after a failure is recorded and before
   * the request is parked on its dead-letter topic.
   */
  @IsOptional()
  @IsIn(['delivery.after-provider-call', 'delivery.after-failed'])
  DELIVERY_FAILPOINT?: 'delivery.after-provider-call' | 'delivery.after-failed';
}
