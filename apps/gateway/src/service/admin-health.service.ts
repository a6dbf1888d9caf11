import { Injectable } from '@nestjs/common';
import { OutboxStatusPatterns, type Actor, type AppWithOutbox, type OutboxStatusView } from '@parley/contracts';
import { CommandClient, KafkaConnection } from '@parley/kafka';
import { DependencyHealth, settleWithin, type HealthReport } from '@parley/platform';
import { GatewayConfig } from '../gateway.config.js';

/** The consumer groups of the apps behind the gateway; an app with no live member is down. */
const APP_GROUPS = ['rooms', 'messaging', 'support-routing', 'outbound-delivery', 'realtime'] as const;
type AppName = (typeof APP_GROUPS)[number];

/**
 * An outbox that does not answer this soon is reported unknown rather than holding the health check
 * up. Longer than an app's wait for MongoDB (3 s of server selection), so that an app whose MongoDB
 * is away says so in its answer instead of falling silent.
 */
const OUTBOX_STATUS_TIMEOUT_MS = 4000;

/** What an app's outbox said when asked: its status, or why it could not tell (its error, or silence). */
export type OutboxAnswer = { status: OutboxStatusView } | { failure: string };

export interface AppHealthView {
  status: 'up' | 'degraded' | 'down';
  instances: number;
  group: string;
  /** Messages the app's consumer group is behind, in total and per topic. */
  consumer_lag: { total: number; topics: Record<string, number> } | null;
  /** The app's unsent outbox entries past their normal publish delay; null for an app without an outbox or one that did not answer. */
  outbox: OutboxStatusView | null;
  /** Why the app is not up, when it is not. */
  reasons: string[];
}

export interface AdminHealthView {
  /** ok: all up; degraded: all up but some app is behind; error: a dependency or an app is down. */
  status: 'ok' | 'degraded' | 'error';
  dependencies: HealthReport;
  apps: Record<AppName, AppHealthView>;
  bounds: HealthBounds;
}

export interface HealthBounds {
  consumer_lag: number;
  outbox_backlog: number;
}

/**
 * One app's health from what was observed of it: down with no live instance; degraded when its
 * consumers are further behind than the bound, its outbox holds more than the bound, or its
 * outbox did not answer; up otherwise. Each reason is spelled out for the operator.
 */
export function appHealthOf(
  observed: { instances: number; group: string; lag: Record<string, number> | null; hasOutbox: boolean; outbox: OutboxAnswer | null },
  bounds: HealthBounds,
): AppHealthView {
  const { instances, group, lag: topics, hasOutbox, outbox: answer } = observed;
  const outbox = answer && 'status' in answer ? answer.status : null;
  const lag = topics ? { total: Object.values(topics).reduce((sum, value) => sum + value, 0), topics } : null;
  const reasons: string[] = [];
  if (instances === 0) reasons.push('no live instance in its consumer group');
  if (instances > 0 && hasOutbox && !outbox) reasons.push(answer && 'failure' in answer ? answer.failure : `its outbox status did not come back within ${OUTBOX_STATUS_TIMEOUT_MS} ms`);
  if (lag && lag.total > bounds.consumer_lag) reasons.push(`consumer lag ${lag.total} is past ${bounds.consumer_lag}`);
  if (outbox && outbox.backlog > bounds.outbox_backlog) reasons.push(`outbox backlog ${outbox.backlog} is past ${bounds.outbox_backlog}`);
  const status = instances === 0 ? 'down' : reasons.length > 0 ? 'degraded' : 'up';
  return { status, instances, group, consumer_lag: lag, outbox, reasons };
}

/**
 * What an operator needs to see at a glance: the gateway's dependencies, each app's live instances
 * (its consumer group), how far its consumers are behind (from Kafka's committed offsets) and its
 * outbox backlog (asked of the app itself, the only one that reads its outbox).
 */
@Injectable()
export class AdminHealthService {
  constructor(
    private readonly health: DependencyHealth,
    private readonly kafka: KafkaConnection,
    private readonly commands: CommandClient,
    private readonly config: GatewayConfig,
  ) {}

  async report(actor: Actor, correlationId: string): Promise<AdminHealthView> {
    const [dependencies, groups] = await Promise.all([this.health.report(), this.kafka.consumerGroups([...APP_GROUPS])]);
    const bounds: HealthBounds = { consumer_lag: this.config.HEALTH_MAX_CONSUMER_LAG, outbox_backlog: this.config.HEALTH_MAX_OUTBOX_BACKLOG };
    const entries = await Promise.all(
      APP_GROUPS.map(async (app): Promise<[AppName, AppHealthView]> => {
        const group = groups[app];
        const instances = group?.members ?? 0;
        const hasOutbox = app in OutboxStatusPatterns;
        const outbox = instances > 0 && hasOutbox ? await this.outboxStatus(app as AppWithOutbox, actor, correlationId) : null;
        return [app, appHealthOf({ instances, group: group?.state ?? 'Dead', lag: group?.lag ?? null, hasOutbox, outbox }, bounds)];
      }),
    );
    const apps = Object.fromEntries(entries) as Record<AppName, AppHealthView>;
    const dependenciesUp = dependencies.status === 'ok';
    const states = Object.values(apps).map((app) => app.status);
    const status = !dependenciesUp || states.includes('down') ? 'error' : states.includes('degraded') ? 'degraded' : 'ok';
    return { status, dependencies, apps, bounds };
  }

  private outboxStatus(app: AppWithOutbox, actor: Actor, correlationId: string): Promise<OutboxAnswer | null> {
    const answer = this.commands.send<OutboxStatusView>(OutboxStatusPatterns[app], actor, {}, { correlationId, key: app }).then(
      (status): OutboxAnswer => ({ status }),
      (error: unknown): OutboxAnswer => ({ failure: `its outbox status failed: ${error instanceof Error ? error.message : String(error)}` }),
    );
    return settleWithin<OutboxAnswer | null>(answer, OUTBOX_STATUS_TIMEOUT_MS, () => null);
  }
}
