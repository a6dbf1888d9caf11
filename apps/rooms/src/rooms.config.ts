import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { PlatformConfig } from '@parley/platform';

/** Settings of the rooms app, validated at start. */
export class RoomsConfig extends PlatformConfig {
  /** Port of the health endpoint. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(65535)
  ROOMS_PORT = 3007;

  /** Most threads one machine-to-machine write may create or change (413 past it). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(100_000)
  M2M_BATCH_MAX = 1000;
}
