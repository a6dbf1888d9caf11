/** Types of infrastructure.mjs, for the TypeScript that imports it (test global setup, benchmarks). */
export interface Infrastructure {
  kafkaBrokers: string;
  mongoUrl: string;
  redisUrl: string;
  stop(): Promise<void>;
}
export const KAFKA_VERSION: string;
export function defaultCacheDir(): string;
export function freePort(): Promise<number>;
export function isPortFree(port: number): Promise<boolean>;
export class ProvisioningError extends Error {}
export function startInfrastructure(options: {
  runDir: string;
  cacheDir?: string;
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  ports?: { kafka?: number; mongo?: number; redis?: number };
}): Promise<Infrastructure>;
