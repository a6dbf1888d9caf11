import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsNumber, IsOptional, IsString, IsUrl, Matches, Max, Min, ValidateBy, validateSync } from 'class-validator';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
// Local servers (127.0.0.1:port) have no top-level domain.
const HTTP_URL = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/** Settings every app shares. Each app extends it with its own and loads it once at start. */
export class PlatformConfig {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  /** Interface the app's HTTP server binds to (0.0.0.0 in containers). */
  @IsString()
  @IsNotEmpty()
  HOST = '127.0.0.1';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  @Matches(/^mongodb(\+srv)?:\/\/\S+$/, { message: 'MONGO_URL must be a mongodb:// connection string' })
  MONGO_URL!: string;

  @IsString()
  @IsNotEmpty()
  MONGO_DB = 'parley';

  /** Comma-separated host:port list. */
  @Matches(/^[^\s,]+:\d+(,[^\s,]+:\d+)*$/, { message: 'KAFKA_BROKERS must be a comma-separated list of host:port' })
  KAFKA_BROKERS!: string;

  /** Partitions of the topics an app creates at start; the most instances of one app that share work. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(256)
  KAFKA_PARTITIONS = 6;

  /**
   * How long a Kafka fetch may wait for data. Kafka answers as soon as data arrives, so this only
   * bounds idle polling (each idle consumer makes 1000 / this fetches a second); kafkajs' default
   * of 5 s delays the first fetch after a rebalance and a consumer's shutdown.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(5000)
  KAFKA_MAX_WAIT_MS = 1000;

  /**
   * Commands an app instance (the gateway) may have waiting for a reply at once, per app. Bounds
   * the queue, so accepted requests stay fast under overload: a request takes 10-20 ms on a healthy
   * system, so 16 allows 800 or more a second per app and instance. Under twice the sustainable
   * load (npm run bench, overload phase), accepted sends took p99 569 ms at 32, 243-341 ms at 16.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  COMMANDS_MAX_IN_FLIGHT = 16;

  /**
   * How many commands may queue for a slot when their app has COMMANDS_MAX_IN_FLIGHT waiting already;
   * past that a request gets 503 with Retry-After at once. A burst up to both together (a page's
   * twenty sends at once, a jittery open load) is served however slow the machine is. Once the queue
   * overflows, the app takes no queued requests until a second passes without a refusal, so under
   * lasting overload accepted requests do not each wait behind a full queue. Quick npm run bench
   * runs, alternated: 32 kept accepted sends' p99 at 160-205 ms under 430/s offered and refused none
   * of 200/s in the open loop; 16 gave 189-217 ms but refused up to 157 of 3,000 at 200/s; a
   * standing queue of 16 (no shedding) gave 418-480 ms.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  COMMANDS_ADMISSION_QUEUE = 32;

  /** How long a lease on an outbox relay lasts before another instance may take it over. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(500)
  OUTBOX_LEASE_MS = 5000;

  /**
   * S3-compatible object storage (attachments): VersityGW here, any S3 in production. Optional so
   * apps that store no files start without them; StorageModule refuses to start when one is missing.
   */
  @IsOptional()
  @IsUrl(HTTP_URL, { message: 'S3_ENDPOINT must be an http:// or https:// URL' })
  S3_ENDPOINT?: string;

  /**
   * Where clients reach the storage, when not at S3_ENDPOINT (apps in containers reach it by a name
   * browsers cannot resolve): presigned URLs are signed for this host, so it must be the one clients use.
   */
  @IsOptional()
  @IsUrl(HTTP_URL, { message: 'S3_PUBLIC_ENDPOINT must be an http:// or https:// URL' })
  S3_PUBLIC_ENDPOINT?: string;

  /** The bucket attachments live in (S3's naming rules: 3-63 lowercase letters, digits, dots, hyphens). */
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'S3_BUCKET must be a valid S3 bucket name' })
  S3_BUCKET?: string;

  @IsOptional()
  @IsString()
  S3_ACCESS_KEY?: string;

  @IsOptional()
  @IsString()
  S3_SECRET_KEY?: string;

  /** The region requests are signed for (us-east-1: VersityGW's and most S3-compatible servers' default). */
  @IsString()
  @IsNotEmpty()
  S3_REGION = 'us-east-1';

  /**
   * Where traces go: an OpenTelemetry collector's OTLP/HTTP base URL (spans are posted as JSON to
   * `<this>/v1/traces`). Unset, tracing is off: no tracer is registered, no span is made and no
   * `traceparent` is added to what the app produces.
   */
  @IsOptional()
  @IsUrl(HTTP_URL, { message: 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  /**
   * The share of new traces recorded (0 to 1). A trace continued from a caller's `traceparent`
   * follows the caller's sampling decision instead.
   */
  @Transform(({ value }) => Number(value))
  @IsNumber()
  @Min(0)
  @Max(1)
  OTEL_TRACES_SAMPLER_ARG = 1;

  /** How long finished spans wait to be exported together, in ms (the OpenTelemetry default). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(10)
  OTEL_BSP_SCHEDULE_DELAY = 5000;

  /** Fault injection for crash tests only: `outbox.before-publish` kills the app after an outbox commit. */
  @IsOptional()
  @IsIn(['outbox.before-publish'])
  PARLEY_FAILPOINT?: 'outbox.before-publish';
}

/** Reads a `true`/`false` setting as a boolean (anything else is left for @IsBoolean to refuse). */
export const booleanSetting = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/**
 * A development-only switch that must not be on with NODE_ENV=production, refused there rather than
 * trusted to be left off; `why` ends the message (what it would do in production).
 */
export function RefusedInProduction(why: string): PropertyDecorator {
  return ValidateBy({
    name: 'refusedInProduction',
    validator: {
      validate: (value, args) => !(value === true && (args?.object as PlatformConfig).NODE_ENV === 'production'),
      defaultMessage: (args) => `${args?.property} must not be true when NODE_ENV is production: ${why}`,
    },
  });
}

/** Thrown when the environment does not satisfy an app's config class; names each bad setting. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates an app's settings from the environment. Unknown variables are ignored;
 * a missing or malformed one throws a ConfigError naming it.
 */
export function loadConfig<T extends object>(configClass: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const config = plainToInstance(configClass, present, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new ConfigError(
      errors.map((error) => {
        const constraints = Object.values(error.constraints ?? {}).join('; ');
        return `${error.property}: ${constraints || 'invalid'}`;
      }),
    );
  }
  return config;
}

/** The comma-separated broker list as an array. */
export function kafkaBrokerList(config: PlatformConfig): string[] {
  return config.KAFKA_BROKERS.split(',').map((broker) => broker.trim());
}
