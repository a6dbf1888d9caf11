import { Transform } from 'class-transformer';
import { IsInt, IsNotEmpty, IsString, Matches, Max, Min } from 'class-validator';
import { AuthenticatedAppConfig } from '@parley/auth';

/** Settings of the realtime app, validated at start. */
export class RealtimeConfig extends AuthenticatedAppConfig {
  /** Port of Socket.IO and of the health endpoint. */
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
}
