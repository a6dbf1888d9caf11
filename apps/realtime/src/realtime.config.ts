import { Transform } from 'class-transformer';
import { IsInt, IsNotEmpty, IsString, Matches, Max, Min } from 'class-validator';
import { AuthenticatedAppConfig } from '@parley/auth';

/** Settings of the realtime app, validated at start. */
export class RealtimeConfig extends AuthenticatedAppConfig {
  /** Port of Socket.IO and of the health endpoint (one HTTP server). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(65535)
  REALTIME_PORT = 3006;

  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL!: string;

  /** Origins allowed to open sockets, comma-separated, or * for any. */
  @IsString()
  @IsNotEmpty()
  CORS_ORIGINS = '*';

  /** How long a dropped client may be gone and still get the packets it missed on reconnect. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  RECOVERY_WINDOW_MS = 120_000;

  /**
   * Events older than this are not pushed (0 pushes any age). A new consumer group starts at the
   * beginning of each topic; without a limit it would push the whole history to open sockets.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  PUSH_MAX_AGE_MS = 600_000;

  /** How long a user's last device may be gone before they show offline (a page reload must not flap). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  PRESENCE_GRACE_MS = 10_000;

  /** A typing indicator lasts this long unless renewed; renewals are throttled to half of it. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(500)
  TYPING_TTL_MS = 5000;
}

/** The origins Socket.IO's CORS allows: true for any, else the listed ones. */
export function corsOrigins(config: Pick<RealtimeConfig, 'CORS_ORIGINS'>): true | string[] {
  if (config.CORS_ORIGINS.trim() === '*') return true;
  return config.CORS_ORIGINS.split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin.length > 0);
}
