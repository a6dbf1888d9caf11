import { Controller, Get, Inject, Module, Res, ServiceUnavailableException, type DynamicModule, type Type } from '@nestjs/common';
import type { Response } from 'express';
import { HealthCheckService, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { APP_NAME } from '../platform.module.js';
import { settleWithin } from '../settle-within.js';

export interface HealthReport {
  status: 'ok' | 'error' | 'shutting_down';
  info?: Record<string, unknown>;
  error?: Record<string, unknown>;
  details: Record<string, unknown>;
}

/** A dependency an app reports on in its health check (MongoDB, Kafka, Redis, ...). */
export interface DependencyProbe {
  readonly name: string;
  /** Resolves with details when the dependency works; throws with the reason when it does not. */
  probe(): Promise<Record<string, unknown>>;
}

export const DEPENDENCY_PROBES = 'PARLEY_DEPENDENCY_PROBES';

/**
 * How long a probe may take before its dependency counts as down: a server that stops answering
 * (frozen, cut off) would otherwise hold the health check for as long as its client waits, and
 * whoever asks (an orchestrator, the supervisor, /admin/health) gets no answer at all.
 */
export const PROBE_TIMEOUT_MS = 2000;

/** A probe's answer, or its failure, or a failure saying it did not answer within `timeoutMs`. */
export function probeWithin(probe: DependencyProbe, timeoutMs = PROBE_TIMEOUT_MS): Promise<Record<string, unknown>> {
  return settleWithin(probe.probe(), timeoutMs, () => {
    throw new Error(`${probe.name} did not answer within ${timeoutMs} ms`);
  });
}

/** Checks every dependency of the app, each reported by name; any failure makes the check a 503. */
export class DependencyHealth {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly probes: DependencyProbe[],
  ) {}

  /**
   * The report of every dependency: `{ status: 'ok' | 'error', info, error, details }`. A failing
   * dependency is part of the report, not an exception: callers answer it with a 503 and the report.
   */
  async report(): Promise<HealthReport> {
    try {
      return (await this.check()) as HealthReport;
    } catch (error) {
      if (error instanceof ServiceUnavailableException) return error.getResponse() as HealthReport;
      throw error;
    }
  }

  private check() {
    return this.health.check(
      this.probes.map((probe) => async () => {
        const indicator = this.indicators.check(probe.name);
        try {
          return indicator.up(await probeWithin(probe));
        } catch (error) {
          return indicator.down({ message: error instanceof Error ? error.message : String(error) });
        }
      }),
    );
  }
}

/**
 * `GET /health` of an app: each dependency by name, 200 when all are up, 503 otherwise. The gateway
 * serves its own richer variant on the same DependencyHealth.
 */
@Module({})
export class HealthModule {
  static forRoot(options: { probes: Type<DependencyProbe>[]; controller?: boolean }): DynamicModule {
    const controllers = options.controller === false ? [] : [HealthController];
    return {
      module: HealthModule,
      imports: [TerminusModule],
      controllers,
      providers: [
        ...options.probes,
        {
          provide: DEPENDENCY_PROBES,
          useFactory: (...probes: DependencyProbe[]) => probes,
          inject: options.probes,
        },
        {
          provide: DependencyHealth,
          useFactory: (health: HealthCheckService, indicators: HealthIndicatorService, probes: DependencyProbe[]) =>
            new DependencyHealth(health, indicators, probes),
          inject: [HealthCheckService, HealthIndicatorService, DEPENDENCY_PROBES],
        },
      ],
      exports: [DependencyHealth],
    };
  }
}

@Controller('health')
class HealthController {
  constructor(
    private readonly health: DependencyHealth,
    @Inject(APP_NAME) private readonly appName: string,
  ) {}

  /** 200 with the report when every dependency is up; 503 with the same report otherwise. */
  @Get()
  async check(@Res({ passthrough: true }) response: Response) {
    const report = await this.health.report();
    if (report.status !== 'ok') response.status(503);
    return { app: this.appName, ...report };
  }
}
