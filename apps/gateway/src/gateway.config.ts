import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, Max, Min, ValidateBy } from 'class-validator';
import { AuthenticatedAppConfig } from '@parley/auth';
import { booleanSetting, RefusedInProduction, withChannels } from '@parley/platform';

/** The gateway can only sign what it can verify with the same key: an HS256 secret, not an RS256 public key. */
function NeedsSigningSecret(): PropertyDecorator {
  return ValidateBy({
    name: 'needsSigningSecret',
    validator: {
      validate: (value, args) => !(value === true && (args?.object as GatewayConfig).JWT_PUBLIC_KEY),
      defaultMessage: (args) => `${args?.property} needs JWT_SECRET (HS256): with JWT_PUBLIC_KEY the gateway holds no key to sign with`,
    },
  });
}

/** Settings of the gateway, validated at start. */
export class GatewayConfig extends withChannels(AuthenticatedAppConfig) {
  /** The gateway keeps nothing in MongoDB (every other app does): a deployment of it alone need not name one. */
  @IsOptional()
  declare MONGO_URL: string;

  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(65535)
  GATEWAY_PORT = 3005;

  /** `GET /admin/health` says degraded when an app's consumer group is further behind than this, in messages. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  HEALTH_MAX_CONSUMER_LAG = 1000;

  /** `GET /admin/health` says degraded when an app's outbox holds more unsent entries than this past their normal publish delay. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  HEALTH_MAX_OUTBOX_BACKLOG = 100;

  /** Largest JSON body accepted; a larger one is a 413. */
  @Matches(/^\d+(b|kb|mb)$/i, { message: 'BODY_LIMIT must look like 256kb or 1mb' })
  BODY_LIMIT = '256kb';

  /** Redis: rate-limit counters shared by every gateway instance. */
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL!: string;

  /** Requests one user may make per window; past it, 429 with Retry-After. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  RATE_LIMIT_POINTS = 600;

  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  RATE_LIMIT_WINDOW_SECONDS = 60;

  /** Largest attachment a message may reference, in bytes (default 25 MB); a larger one is a 413 naming it. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  ATTACHMENT_MAX_BYTES = 25 * 1024 * 1024;

  /** Media types refused for attachments (415), comma-separated: executables and scripts by default. */
  @IsString()
  ATTACHMENT_DENIED_TYPES =
    'application/x-msdownload,application/x-msdos-program,application/vnd.microsoft.portable-executable,application/x-dosexec,application/x-executable,application/x-elf,application/x-sh,application/x-csh,application/x-bat,text/x-shellscript,application/x-shellscript,text/x-sh,application/x-msi';

  /** How long a presigned attachment upload URL stays valid. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(60)
  @Max(7 * 24 * 3600)
  ATTACHMENT_UPLOAD_EXPIRES_SECONDS = 900;

  /** Origins allowed by CORS, comma-separated, or * for any. */
  @IsString()
  @IsNotEmpty()
  CORS_ORIGINS = '*';

  /**
   * Local development only (`npm start` turns it on): `POST /dev/tokens` signs a token for any user
   * and account, so the console at `/` can sign people in without an identity provider.
   */
  @Transform(booleanSetting)
  @IsBoolean({ message: 'DEV_TOKENS must be true or false' })
  // Signs a token for anyone who asks: on in production it would let anyone in as anyone.
  @RefusedInProduction('it signs a token for anyone')
  @NeedsSigningSecret()
  DEV_TOKENS = false;

  /** Where browsers reach realtime's Socket.IO, for the console at `/`; unset, the page's own host on port 3006. */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'REALTIME_URL must be an http:// or https:// URL' })
  REALTIME_URL?: string;
}
