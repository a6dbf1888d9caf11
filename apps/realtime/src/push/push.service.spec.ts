import { describe, expect, it } from '@jest/globals';
import type { PinoLogger } from 'nestjs-pino';
import { createEnvelope, EventTopics, type EventEnvelope } from '@parley/contracts';
import type { RedisConnection } from '@parley/platform';
import { RealtimeConfig } from '../realtime.config.js';
import type { RealtimeGateway } from '../socket/realtime.gateway.js';
import type { Delivery } from './deliveries.js';
import { PushService, SEEN_TTL_MS } from './push.service.js';

interface Emitted {
  rooms: string[];
  event: string;
  payload: unknown;
}

/** The parts of Socket.IO and Redis the service uses, recording what it does with them. */
function harness(settings: Partial<RealtimeConfig> = {}) {
  const emitted: Emitted[] = [];
  const server = {
    to: (rooms: string | string[]) => ({
      emit: (event: string, payload: unknown) => emitted.push({ rooms: [rooms].flat(), event, payload }) > 0,
    }),
  };
  const store = new Map<string, string>();
  const setCalls: unknown[][] = [];
  const multiCalls: string[][][] = [];
  const client = {
    async set(...args: unknown[]): Promise<'OK' | null> {
      setCalls.push(args);
      const [key, value] = args as [string, string];
      if (args.includes('NX') && store.has(key)) return null;
      store.set(key, value);
      return 'OK';
    },
    /** MULTI of SETs: each claimed only if unclaimed, all applied at EXEC. */
    multi(commands: string[][]) {
      return {
        exec: async () => {
          multiCalls.push(commands);
          return commands.map(([, key, value]) => {
            if (store.has(key)) return [null, null];
            store.set(key, value);
            return [null, 'OK'];
          });
        },
      };
    },
  };
  const logger = { debug() {}, info() {}, warn() {}, error() {} } as unknown as PinoLogger;
  const config = Object.assign(new RealtimeConfig(), settings);
  const service = new PushService(
    { server } as unknown as RealtimeGateway,
    { client } as unknown as RedisConnection,
    config,
    logger,
  );
  return { service, emitted, setCalls, multiCalls };
}

function event(overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  return { ...createEnvelope({ type: EventTopics.RoomCreated, accountId: 'acc-1', key: 'r1', actor: null, data: {} }), ...overrides };
}

const created: Delivery = { conversationIds: ['c1', 'c2'], payload: { event: 'room_created', room_id: 'r1', type: 'direct' } };

describe('PushService.pushOnce', () => {
  it('emits through the Socket.IO server to the account-scoped room of each conversation, in one broadcast', async () => {
    const { service, emitted } = harness();
    expect(await service.pushOnce(event(), [created])).toBe('pushed');
    expect(emitted).toEqual([
      { rooms: ['conversation:acc-1:c1', 'conversation:acc-1:c2'], event: 'room_created', payload: created.payload },
    ]);
  });

  it('pushes a redelivered event only once', async () => {
    const { service, emitted } = harness();
    const once = event();
    expect(await service.pushOnce(once, [created])).toBe('pushed');
    expect(await service.pushOnce({ ...once }, [created])).toBe('duplicate');
    expect(emitted).toHaveLength(1);
  });

  it('claims the event id in Redis only if unclaimed, for a day', async () => {
    const { service, setCalls } = harness();
    const once = event();
    await service.pushOnce(once, [created]);
    expect(setCalls).toEqual([[`realtime:event:${once.id}`, '1', 'PX', SEEN_TTL_MS, 'NX']]);
    expect(SEEN_TTL_MS).toBe(86_400_000);
  });

  it('addresses rooms of the envelope’s account only, whatever conversation ids the event names', async () => {
    const { service, emitted } = harness();
    await service.pushOnce(event({ accountId: 'acc-2' }), [created]);
    expect(emitted[0].rooms).toEqual(['conversation:acc-2:c1', 'conversation:acc-2:c2']);
  });

  it('sends each delivery with its own payload', async () => {
    const { service, emitted } = harness();
    const updated = (unread: number, ids: string[]): Delivery => ({
      conversationIds: ids,
      payload: { event: 'room_updated', room_id: 'r1', last_message_id: 'm1', last_activity: 'now', unread_count: unread },
    });
    await service.pushOnce(event(), [updated(0, ['c1']), updated(2, ['c2', 'c3'])]);
    expect(emitted.map(({ rooms, payload }) => [rooms, (payload as { unread_count: number }).unread_count])).toEqual([
      [['conversation:acc-1:c1'], 0],
      [['conversation:acc-1:c2', 'conversation:acc-1:c3'], 2],
    ]);
  });

  it('emits nothing for a delivery with no conversations (an empty room list would mean every socket)', async () => {
    const { service, emitted } = harness();
    expect(await service.pushOnce(event(), [{ ...created, conversationIds: [] }])).toBe('pushed');
    expect(emitted).toEqual([]);
  });

  it('neither pushes nor claims an event older than PUSH_MAX_AGE_MS', async () => {
    const { service, emitted, setCalls } = harness({ PUSH_MAX_AGE_MS: 60_000 });
    const old = event({ occurredAt: new Date(Date.now() - 120_000).toISOString() });
    expect(await service.pushOnce(old, [created])).toBe('stale');
    expect(emitted).toEqual([]);
    expect(setCalls).toEqual([]);
  });

  it('pushes an event of any age when PUSH_MAX_AGE_MS is 0', async () => {
    const { service } = harness({ PUSH_MAX_AGE_MS: 0 });
    expect(await service.pushOnce(event({ occurredAt: '2020-01-01T00:00:00.000Z' }), [created])).toBe('pushed');
  });
});

describe('PushService.pushAllOnce', () => {
  it('claims a run of events in one Redis transaction and emits each new one in order, skipping those pushed before and stale ones', async () => {
    const { service, emitted, setCalls, multiCalls } = harness({ PUSH_MAX_AGE_MS: 60_000 });
    const [first, second, third] = [event(), event(), event()];
    const old = event({ occurredAt: new Date(Date.now() - 120_000).toISOString() });
    await service.pushOnce(second, [created]);
    emitted.length = 0;
    const deliveryOf = (room: string): Delivery => ({ conversationIds: ['c1'], payload: { event: 'room_created', room_id: room, type: 'direct' } });
    const outcomes = await service.pushAllOnce([
      { envelope: first, deliveries: [deliveryOf('first')] },
      { envelope: old, deliveries: [deliveryOf('old')] },
      { envelope: second, deliveries: [deliveryOf('second')] },
      { envelope: third, deliveries: [deliveryOf('third')] },
    ]);
    expect(outcomes).toEqual(['pushed', 'stale', 'duplicate', 'pushed']);
    expect(emitted.map(({ payload }) => (payload as { room_id: string }).room_id)).toEqual(['first', 'third']);
    expect(setCalls).toHaveLength(1);
    expect(multiCalls).toEqual([[first, second, third].map(({ id }) => ['set', `realtime:event:${id}`, '1', 'PX', String(SEEN_TTL_MS), 'NX'])]);
  });
});
