import { describe, expect, it } from '@jest/globals';
import { KafkaContext } from '@nestjs/microservices';
import type { KafkaMessage, Message } from 'kafkajs';
import type { PinoLogger } from 'nestjs-pino';
import { createEnvelope, EventTopics } from '@parley/contracts';
import type { KafkaConnection } from '../kafka-connection.js';
import { takeLeftForLater } from '../transport/left-for-later.js';
import { DeadLetterError, EventConsumer, isEnvelope, RetryLaterError } from './event-consumer.js';
import { EventRun } from './event-run.js';

describe('isEnvelope', () => {
  it('accepts what createEnvelope makes', () => {
    const envelope = createEnvelope({ type: EventTopics.RoomRead, accountId: 'a', key: 'r', actor: null, data: { room_id: 'r' } });
    expect(isEnvelope(envelope)).toBe(true);
    expect(envelope.version).toBe(1);
  });

  it.each([null, 'text', { id: 'x' }, { id: 'x', type: 't', version: '1', accountId: 'a', key: 'k', data: {} }])(
    'refuses %j',
    (value) => {
      expect(isEnvelope(value)).toBe(false);
    },
  );
});

describe('EventConsumer', () => {
  const envelope = createEnvelope({ type: EventTopics.RoomRead, accountId: 'acct', key: 'room-1', actor: null, data: { room_id: 'room-1' } });

  /** A consumer of the `rooms` app whose dead letters are caught instead of published. */
  function consumer() {
    const parked: { topic: string; messages: Message[] }[] = [];
    const kafka = { publish: async (batches: { topic: string; messages: Message[] }[]) => void parked.push(...batches) } as unknown as KafkaConnection;
    const logger = { debug() {}, info() {}, warn() {}, error() {} } as unknown as PinoLogger;
    return { events: new EventConsumer(kafka, 'rooms', logger), parked };
  }

  function contextOf(headers: Record<string, string> = {}): KafkaContext {
    const message = {
      key: Buffer.from('room-1'),
      value: Buffer.from(JSON.stringify(envelope)),
      offset: '42',
      timestamp: String(Date.now()),
      attributes: 0,
      headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Buffer.from(value)])),
    } as unknown as KafkaMessage;
    return new KafkaContext([message, 3, EventTopics.RoomRead, null as never, async () => undefined, null as never]);
  }

  it('parks an event at once when its handler gives up, saying where it was, who gave up, why and after how many attempts', async () => {
    const { events, parked } = consumer();
    let calls = 0;
    await events.handle('rooms.room-read', envelope, contextOf({ 'x-correlation-id': 'c-1', traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` }), async () => {
      calls++;
      throw new DeadLetterError('provider down', 7);
    });
    expect(calls).toBe(1);
    expect(parked).toHaveLength(1);
    expect(parked[0].topic).toBe('parley.room.read.dlq');
    const [message] = parked[0].messages;
    expect(message.key?.toString()).toBe('room-1');
    expect(JSON.parse(String(message.value))).toEqual(envelope);
    expect(message.headers).toMatchObject({
      'x-correlation-id': 'c-1',
      traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
      'x-dlq-consumer': 'rooms.room-read',
      'x-dlq-group': 'rooms',
      'x-dlq-reason': 'provider down',
      'x-dlq-attempts': '7',
      'x-dlq-partition': '3',
      'x-dlq-offset': '42',
    });
    expect(new Date(String(message.headers?.['x-dlq-at'])).getTime()).toBeGreaterThan(Date.now() - 5000);
  });

  it('leaves an event whose handler asks to retry later for the transport to fetch again after the delay, without retrying it at once or parking it', async () => {
    const { events, parked } = consumer();
    const context = contextOf();
    let calls = 0;
    await events.handle('outbound-delivery.delivery-requested', envelope, context, async () => {
      calls++;
      throw new RetryLaterError('twilio 503', 2500);
    });
    expect(calls).toBe(1);
    expect(parked).toEqual([]);
    expect(takeLeftForLater(context.getMessage())).toBe(2500);
  });

  it('leaves an event whose handler keeps finding a dependency away (Redis not answering) for later, after its attempts, instead of parking it', async () => {
    const { events, parked } = consumer();
    const context = contextOf();
    let calls = 0;
    await events.handle('realtime.message-created', envelope, context, async () => {
      calls++;
      throw new Error('Command timed out');
    });
    expect(calls).toBe(5);
    expect(parked).toEqual([]);
    expect(takeLeftForLater(context.getMessage())).toBe(5000);
  }, 10_000);

  it('passes by a replay meant for another consumer of the topic, and handles one meant for it', async () => {
    const { events, parked } = consumer();
    const handled: string[] = [];
    await events.handle('rooms.room-read', envelope, contextOf({ 'parley-replay-for': 'realtime.room-read' }), async (event) => void handled.push(event.id));
    expect(handled).toEqual([]);
    await events.handle('rooms.room-read', envelope, contextOf({ 'parley-replay-for': 'rooms.room-read' }), async (event) => void handled.push(event.id));
    expect(handled).toEqual([envelope.id]);
    expect(parked).toEqual([]);
  });

  it('parks a replay that fails again without its replay mark: a replay of the new dead letter marks it anew', async () => {
    const { events, parked } = consumer();
    await events.handle('rooms.room-read', envelope, contextOf({ 'parley-replay-for': 'rooms.room-read', 'x-correlation-id': 'c-2' }), async () => {
      throw new DeadLetterError('still down', 1);
    });
    expect(parked[0].messages[0].headers).toMatchObject({ 'x-correlation-id': 'c-2', 'x-dlq-consumer': 'rooms.room-read' });
    expect(parked[0].messages[0].headers).not.toHaveProperty('parley-replay-for');
  });

  describe('a run of one key\'s events', () => {
    const numbered = (n: number) => createEnvelope({ type: EventTopics.RoomRead, accountId: 'acct', key: 'room-1', actor: null, data: { room_id: 'room-1', n } });
    const runOf = (count: number) => new EventRun(Array.from({ length: count }, (_, n) => ({ payload: numbered(n), context: contextOf() })));
    const nOf = (envelope: { data: unknown }) => (envelope.data as { n: number }).n;

    it('gives the whole run to `together` in one call, in order, and nothing to the one-by-one handler', async () => {
      const { events } = consumer();
      const together: number[][] = [];
      const one: number[] = [];
      await events.handle('rooms.message-created', runOf(3), contextOf(), async (envelope) => void one.push(nOf(envelope)), async (run) => void together.push(run.map(({ envelope }) => nOf(envelope))));
      expect(together).toEqual([[0, 1, 2]]);
      expect(one).toEqual([]);
    });

    it('handles the events one by one, in order, when the run fails together, and stops at one left for later', async () => {
      const { events, parked } = consumer();
      const one: number[] = [];
      const run = runOf(4);
      await events.handle(
        'rooms.message-created',
        run,
        contextOf(),
        async (envelope) => {
          one.push(nOf(envelope));
          if (nOf(envelope) === 2) throw new RetryLaterError('provider busy', 1000);
        },
        async () => {
          throw new Error('write conflict');
        },
      );
      expect(one).toEqual([0, 1, 2]);
      expect(parked).toEqual([]);
      expect(takeLeftForLater(run.items[2].context.getMessage())).toBe(1000);
      expect(takeLeftForLater(run.items[3].context.getMessage())).toBeUndefined();
    });
  });
});
