/** Types of infrastructure.mjs, for the TypeScript that imports it (test global setup, benchmarks). */
export interface Infrastructure {
  kafkaBrokers: string;
  mongoUrl: string;
  redisUrl: string;
  /** The S3-compatible endpoint (VersityGW unless S3_ENDPOINT named one), its bucket and root keys. */
  s3Endpoint: string;
  s3Bucket: string;
  s3AccessKey: string;
  s3SecretKey: string;
  s3Region: string;
  /** The servers' process ids; null for a server given by URL. */
  pids: { kafka: number | null; mongod: number | null; redis: number | null; s3: number | null };
  /** The servers this process runs, to kill (SIGKILL) and restart on the same data and port. */
  servers: Record<'kafka' | 'mongod' | 'redis' | 's3', ManagedServer>;
  stop(): Promise<void>;
}
export interface ManagedServer {
  readonly url: string;
  readonly pid: number | null;
  stop(): Promise<void>;
  kill(): Promise<void>;
  restart(): Promise<ManagedServer>;
}
export const KAFKA_VERSION: string;
export const VERSITYGW_VERSION: string;
export const S3_BUCKET: string;
export function defaultCacheDir(): string;
export function freePort(): Promise<number>;
export function isPortFree(port: number): Promise<boolean>;
export class ProvisioningError extends Error {}
export function startInfrastructure(options: {
  runDir: string;
  cacheDir?: string;
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  ports?: { kafka?: number; mongo?: number; redis?: number; s3?: number };
}): Promise<Infrastructure>;
