import { describe, expect, it } from '@jest/globals';
import { AppError, type Actor } from '@parley/contracts';
import type { CommandClient, KafkaConnection } from '@parley/kafka';
import type { DependencyHealth } from '@parley/platform';
import type { GatewayConfig } from '../gateway.config.js';
import { AdminHealthService, appHealthOf } from './admin-health.service.js';

const bounds = { consumer_lag: 100, outbox_backlog: 10 };
const quiet = { instances: 1, group: 'Stable', lag: { 'parley.message.created': 3 }, hasOutbox: true, outbox: { status: { backlog: 0, oldest_unsent_age_ms: null } } };

describe('an app\'s health as /admin/health reports it', () => {
  it('is up with a live instance, lag and backlog within their bounds', () => {
    expect(appHealthOf(quiet, bounds)).toEqual({
      status: 'up',
      instances: 1,
      group: 'Stable',
      consumer_lag: { total: 3, topics: { 'parley.message.created': 3 } },
      outbox: { backlog: 0, oldest_unsent_age_ms: null },
      reasons: [],
    });
  });

  it('is degraded, saying why, when its consumers are further behind than the bound summed over topics', () => {
    const health = appHealthOf({ ...quiet, lag: { 'parley.message.created': 60, 'parley.room.read': 41 } }, bounds);
    expect(health.status).toBe('degraded');
    expect(health.reasons).toEqual(['consumer lag 101 is past 100']);
  });

  it('is degraded when its outbox holds more unsent entries than the bound', () => {
    const health = appHealthOf({ ...quiet, outbox: { status: { backlog: 11, oldest_unsent_age_ms: 9000 } } }, bounds);
    expect(health.status).toBe('degraded');
    expect(health.reasons).toEqual(['outbox backlog 11 is past 10']);
  });

  it('is degraded when it has an outbox that did not answer', () => {
    expect(appHealthOf({ ...quiet, outbox: null }, bounds)).toMatchObject({ status: 'degraded', reasons: [expect.stringMatching(/did not come back/)] });
  });

  it('is degraded with the app\'s own answer when its outbox could not tell (its MongoDB away)', () => {
    const failure = 'its outbox status failed: The database is not reachable for a moment; retry shortly';
    expect(appHealthOf({ ...quiet, outbox: { failure } }, bounds)).toMatchObject({ status: 'degraded', outbox: null, reasons: [failure] });
  });

  it('is up without an outbox when the app has none (realtime)', () => {
    expect(appHealthOf({ ...quiet, hasOutbox: false, outbox: null }, bounds).status).toBe('up');
  });

  it('is down with no live instance, whatever else was seen', () => {
    expect(appHealthOf({ ...quiet, instances: 0, group: 'Empty', outbox: null }, bounds)).toMatchObject({
      status: 'down',
      reasons: ['no live instance in its consumer group'],
    });
  });
});

describe('GET /admin/health as the service assembles it', () => {
  const admin: Actor = { accountId: 'acc-1', userId: 'ops', scopes: ['conversation.admin'] } as Actor;
  const stable = { state: 'Stable', members: 1, lag: {} };

  it('passes on the error an app answered its outbox status with (its MongoDB away), not silence', async () => {
    const unreachable = AppError.unavailable('The database is not reachable for a moment; retry shortly');
    const service = new AdminHealthService(
      { report: async () => ({ status: 'ok', details: {} }) } as unknown as DependencyHealth,
      { consumerGroups: async (ids: string[]) => Object.fromEntries(ids.map((id) => [id, stable])) } as unknown as KafkaConnection,
      {
        send: async (pattern: string) => {
          if (pattern.startsWith('messaging.')) throw unreachable;
          return { backlog: 0, oldest_unsent_age_ms: null };
        },
      } as unknown as CommandClient,
      { HEALTH_MAX_CONSUMER_LAG: 100, HEALTH_MAX_OUTBOX_BACKLOG: 10 } as GatewayConfig,
    );
    const report = await service.report(admin, 'corr-1');
    expect(report.status).toBe('degraded');
    expect(report.apps.messaging).toMatchObject({ status: 'degraded', outbox: null, reasons: [`its outbox status failed: ${unreachable.message}`] });
    expect(report.apps.rooms).toMatchObject({ status: 'up', outbox: { backlog: 0, oldest_unsent_age_ms: null }, reasons: [] });
  });
});
