import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { PlatformConfig } from '@parley/platform';

/** Settings of the support-routing app, validated at start. */
export class SupportRoutingConfig extends PlatformConfig {
  /** Port of the health endpoint. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(65535)
  SUPPORT_ROUTING_PORT = 3009;

  /**
   * How often waiting rooms are looked for and routed again, besides the events that free capacity
   * (a safety net for a trigger that failed); 0 turns it off.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  SUPPORT_BACKLOG_SWEEP_MS = 30_000;
}
