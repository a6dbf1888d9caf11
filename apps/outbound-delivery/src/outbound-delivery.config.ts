import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { PlatformConfig } from '@parley/platform';

/** Settings of the outbound-delivery app, validated at start. */
export class OutboundDeliveryConfig extends PlatformConfig {
  /** Port of the health endpoint. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(65535)
  OUTBOUND_DELIVERY_PORT = 3010;
}
