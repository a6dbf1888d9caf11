/** Types of apps.mjs, for the TypeScript that imports it (tests, benchmarks). */
import type { ChildProcess } from 'node:child_process';

export type AppName = 'gateway' | 'realtime' | 'rooms' | 'messaging' | 'support-routing' | 'outbound-delivery';
export interface SystemState {
  runDir: string;
  env: Record<string, string>;
  ports: Record<AppName, number>;
  pids: Partial<Record<AppName, number[]>>;
  /** The Node binary the apps run on: set by the first spawnApp. */
  node?: string;
}
export const APPS: Record<AppName, { portVariable: string; defaultPort: number }>;
export function appEntry(app: AppName): string;
export function readState(file: string): SystemState;
export function writeState(file: string, state: SystemState): void;
export function prepareAppRuntime(options?: { cacheDir?: string; log?: (line: string) => void; env?: NodeJS.ProcessEnv }): Promise<{ path: string; version: string }>;
export function spawnApp(
  state: SystemState,
  app: AppName,
  options?: { overrides?: Record<string, string>; onLine?: (app: AppName, line: string) => void; logName?: string },
): ChildProcess;
export function waitHealthy(
  state: SystemState,
  app: AppName,
  options?: { timeoutMs?: number; idleMs?: number; child?: ChildProcess; logName?: string },
): Promise<void>;
export function exited(child: ChildProcess): boolean;
export function stopPid(pid: number, graceMs?: number): Promise<void>;
