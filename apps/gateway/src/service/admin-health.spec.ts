import { describe, expect, it } from '@jest/globals';
import { appHealthOf } from './admin-health.service.js';

const bounds = { consumer_lag: 100, outbox_backlog: 10 };
const quiet = { instances: 1, group: 'Stable', lag: { 'parley.message.created': 3 }, hasOutbox: true, outbox: { backlog: 0, oldest_unsent_age_ms: null } };

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
    const health = appHealthOf({ ...quiet, outbox: { backlog: 11, oldest_unsent_age_ms: 9000 } }, bounds);
    expect(health.status).toBe('degraded');
    expect(health.reasons).toEqual(['outbox backlog 11 is past 10']);
  });

  it('is degraded when it has an outbox that did not answer', () => {
    expect(appHealthOf({ ...quiet, outbox: null }, bounds)).toMatchObject({ status: 'degraded', reasons: [expect.stringMatching(/did not come back/)] });
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
