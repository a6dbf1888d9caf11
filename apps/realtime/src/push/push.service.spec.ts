import { describe, expect, it } from '@jest/globals';
import type { PinoLogger } from 'nestjs-pino';
import { createEnvelope, EventTopics, type EventEnvelope } from '@parley/contracts';
import type { RedisConnection } from '@parley/platform';
import { RealtimeConfig } from '../realtime.config.js';
import type { RealtimeGateway } from '../socket/realtime.gateway.js';
import type { Delivery } from './deliveries.js';
import { leftKey, PushService, SEEN_TTL_MS } from './push.service.js';

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
  const sets = new Map<string, Set<string>>();
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
    async smembers(key: string): Promise<string[]> {
      return [...(sets.get(key) ?? [])];
    },
    /** MULTI of SETs (each claimed only if unclaimed) or of set changes, all applied at EXEC. */
    multi(commands: string[][]) {
      return {
        exec: async () => {
          multiCalls.push(commands);
          return commands.map(([command, key, ...rest]) => {
            if (command === 'set') {
              if (store.has(key)) return [null, null];
              store.set(key, rest[0]);
              return [null, 'OK'];
            }
            const members = sets.get(key) ?? new Set<string>();
            sets.set(key, members);
            if (command === 'sadd') rest.forEach((member) => members.add(member));
            if (command === 'srem') rest.forEach((member) => members.delete(member));
            return [null, 1];
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
  return { service, emitted, setCalls, multiCalls, sets };
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
      payload: { event: 'room_updated', room_id: 'r1', last_message_id: 'm1', last_activity: 'now', unread_count: unread, mention_count: 0 },
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

describe('PushService and members taken out of a room', () => {
  const update = (conversationIds: string[], removed?: true): Delivery => ({
    conversationIds,
    payload: { event: 'room_updated', room_id: 'r1', last_message_id: 'm1', last_activity: 'now', unread_count: 0, mention_count: 0, ...(removed ? { removed } : {}) },
  });
  const message = (seq: number): Delivery => ({
    conversationIds: ['c1', 'c2'],
    payload: { event: 'new_message', room_id: 'r1', message: { id: `m${seq}`, seq, rev: seq, content: 'hi', conversation_id: 'c1', created: 'now', attachments: [], source: 'chat', client_message_id: null } },
  });
  const receiversOf = (emitted: Emitted[], event: string) => emitted.filter((push) => push.event === event).map(({ rooms }) => rooms);

  it('sends a removed member nothing more of the room after the push that told them, even a message stored before', async () => {
    const { service, emitted, sets } = harness();
    await service.pushOnce(event(), [update(['c1']), update(['c2'], true)]);
    // Stored while c2 was still in, but it reached realtime after the removal (another topic).
    await service.pushOnce(event(), [message(7)]);
    expect(emitted.map(({ rooms, event: name }) => [name, rooms])).toEqual([
      ['room_updated', ['conversation:acc-1:c1']],
      ['room_updated', ['conversation:acc-1:c2']],
      ['new_message', ['conversation:acc-1:c1']],
    ]);
    expect([...(sets.get(leftKey('acc-1', 'r1')) ?? [])]).toEqual(['c2']);
  });

  it('sends a member put back in the room its pushes again, from the room_created that tells them', async () => {
    const { service, emitted, sets } = harness();
    await service.pushOnce(event(), [update(['c1']), update(['c2'], true)]);
    await service.pushOnce(event(), [{ conversationIds: ['c2'], payload: { event: 'room_created', room_id: 'r1', type: 'channel' } }, update(['c1', 'c2'])]);
    await service.pushOnce(event(), [message(8)]);
    expect(receiversOf(emitted, 'room_created')).toEqual([['conversation:acc-1:c2']]);
    expect(receiversOf(emitted, 'new_message')).toEqual([['conversation:acc-1:c1', 'conversation:acc-1:c2']]);
    expect([...(sets.get(leftKey('acc-1', 'r1')) ?? [])]).toEqual([]);
  });

  it('applies a removal inside a run to the run’s later events, and leaves other rooms and accounts alone', async () => {
    const { service, emitted } = harness();
    await service.pushAllOnce([
      { envelope: event(), deliveries: [message(1)] },
      { envelope: event(), deliveries: [update(['c1']), update(['c2'], true)] },
      { envelope: event(), deliveries: [message(2)] },
    ]);
    await service.pushOnce(event({ accountId: 'acc-2' }), [message(3)]);
    await service.pushOnce(event(), [{ ...message(4), payload: { ...message(4).payload, room_id: 'r2' } as Delivery['payload'] }]);
    expect(receiversOf(emitted, 'new_message')).toEqual([
      ['conversation:acc-1:c1', 'conversation:acc-1:c2'],
      ['conversation:acc-1:c1'],
      ['conversation:acc-2:c1', 'conversation:acc-2:c2'],
      ['conversation:acc-1:c1', 'conversation:acc-1:c2'],
    ]);
  });
});
