/** Types of supervisor.mjs, for the TypeScript that imports it (tests). */
import type { ChildProcess } from 'node:child_process';
import type { AppName, SystemState } from './apps.mjs';

export interface SupervisedInstance {
  app: AppName;
  port: number;
  label: string;
  /** Restarts since the instance last ran for a minute. */
  restarts: number;
  child: ChildProcess | null;
}
export class Supervisor {
  constructor(options: { state: SystemState; onLine?: (instance: SupervisedInstance, line: string) => void; log?: (line: string) => void; onChange?: () => void; liveness?: { intervalMs: number; hungAfterMs: number } });
  instances: SupervisedInstance[];
  start(options: { app: AppName; port: number; label?: string }): SupervisedInstance;
  waitHealthy(instance: SupervisedInstance, options?: { timeoutMs?: number; idleMs?: number }): Promise<void>;
  kill(instance: SupervisedInstance, signal?: NodeJS.Signals): void;
  stopAll(): Promise<void>;
}
