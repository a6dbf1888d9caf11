/** Types of infrastructure.mjs, for the TypeScript that imports it (test global setup, benchmarks). */
export interface Infrastructure {
  /**
   * The settings every app reads to reach these servers: MONGO_URL, KAFKA_BROKERS, REDIS_URL and the
   * S3-compatible storage (VersityGW unless S3_ENDPOINT named one) as S3_ENDPOINT, S3_BUCKET,
   * S3_ACCESS_KEY, S3_SECRET_KEY and S3_REGION.
   */
  env: Record<'MONGO_URL' | 'KAFKA_BROKERS' | 'REDIS_URL' | 'S3_ENDPOINT' | 'S3_BUCKET' | 'S3_ACCESS_KEY' | 'S3_SECRET_KEY' | 'S3_REGION', string>;
  /** The servers' process ids; null for a server given by URL. */
  pids: { kafka: number | null; mongod: number | null; redis: number | null; s3: number | null };
  /** The servers this process runs, to kill (SIGKILL) and restart on the same data and port. */
  servers: Record<'kafka' | 'mongod' | 'redis' | 's3', ManagedServer>;
  stop(): Promise<void>;
}
export interface ManagedServer {
  /** What the server is, as an operator calls it ("MongoDB"). */
  readonly name: string;
  readonly url: string;
  readonly pid: number | null;
  stop(): Promise<void>;
  kill(): Promise<void>;
  restart(): Promise<ManagedServer>;
  /** From now on starts the server again, on its data, whenever it dies; `log` hears each step (npm start, the tests). */
  keepRunning(log: (line: string) => void): void;
}
export const KAFKA_VERSION: string;
export const VERSITYGW_VERSION: string;
export const S3_BUCKET: string;
export function defaultCacheDir(): string;
export function freePort(): Promise<number>;
/** Spawns a command that does not outlive this process (setpriv --pdeathsig where there is one). */
export function spawnTied(command: string, args: string[], options: import('node:child_process').SpawnOptions): import('node:child_process').ChildProcess;
export function isPortFree(port: number): Promise<boolean>;
export class ProvisioningError extends Error {}
export function startInfrastructure(options: {
  runDir: string;
  cacheDir?: string;
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  ports?: { kafka?: number; mongo?: number; redis?: number; s3?: number };
}): Promise<Infrastructure>;
