import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import { booleanSetting, PlatformConfig, RefusedInProduction } from '@parley/platform';

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

  /**
   * Local development only (`npm start` turns it on): stands in for the identity service, which is
   * not there, by recording each user who opens their conversation in `_users` under their user id
   * as their name, so team lists, presence and search by name work with the console's made-up users.
   * Never on in production, where `_users` is the identity service's.
   */
  @Transform(booleanSetting)
  @IsBoolean({ message: 'DEV_USERS must be true or false' })
  @RefusedInProduction("_users is the identity service's")
  DEV_USERS = false;
}
