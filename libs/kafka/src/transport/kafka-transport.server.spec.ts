import { describe, expect, it } from '@jest/globals';
import type { MessageHandler } from '@nestjs/microservices';
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import { KafkaTransportServer } from './kafka-transport.server.js';

interface BatchRunner {
  handleBatch(payload: EachBatchPayload): Promise<void>;
}

function server() {
  const transport = new KafkaTransportServer({
    client: { brokers: ['127.0.0.1:1'] },
    consumer: { groupId: 'test' },
    partitionsConsumedConcurrently: 1,
    commandTtlMs: 10_000,
  });
  return { transport, run: (payload: EachBatchPayload) => (transport as unknown as BatchRunner).handleBatch(payload) };
}

function message(offset: number, key: string, value: unknown): KafkaMessage {
  return {
    key: Buffer.from(key),
    value: Buffer.from(JSON.stringify(value)),
    offset: String(offset),
    timestamp: String(Date.now()),
    attributes: 0,
    headers: {},
  } as unknown as KafkaMessage;
}

function batchOf(messages: KafkaMessage[], resolved: string[]): EachBatchPayload {
  return {
    batch: { topic: 'parley.room.updated', partition: 0, messages, offsetLag: () => '0' },
    resolveOffset: (offset: string) => resolved.push(offset),
    heartbeat: async () => undefined,
    isRunning: () => true,
    isStale: () => false,
  } as unknown as EachBatchPayload;
}

function eventHandler(fn: (data: { n: number }) => Promise<void>): MessageHandler {
  return Object.assign(async (data: unknown) => fn(data as { n: number }), { isEventHandler: true }) as unknown as MessageHandler;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('KafkaTransportServer batches', () => {
  it('runs the messages of one key in order and different keys at the same time', async () => {
    const { transport, run } = server();
    const log: string[] = [];
    transport.addHandler(
      'parley.room.updated',
      eventHandler(async ({ n }) => {
        log.push(`start ${n}`);
        await pause(n === 1 ? 30 : 5);
        log.push(`end ${n}`);
      }),
      true,
    );
    const resolved: string[] = [];
    await run(batchOf([message(10, 'room-a', { n: 1 }), message(11, 'room-b', { n: 2 }), message(12, 'room-a', { n: 3 })], resolved));
    // room-b's message (2) does not wait for room-a's slow one (1); room-a's second (3) does.
    expect(log.indexOf('end 2')).toBeLessThan(log.indexOf('end 1'));
    expect(log.indexOf('start 3')).toBeGreaterThan(log.indexOf('end 1'));
    expect(resolved).toEqual(['10', '11', '12']);
  });

  it('commits up to the first failed message and throws it, so kafkajs fetches it again; later messages of its key do not run', async () => {
    const { transport, run } = server();
    const ran: number[] = [];
    transport.addHandler(
      'parley.room.updated',
      eventHandler(async ({ n }) => {
        if (n === 2) throw new Error('mongo down');
        ran.push(n);
      }),
      true,
    );
    const resolved: string[] = [];
    await expect(
      run(batchOf([message(1, 'a', { n: 1 }), message(2, 'b', { n: 2 }), message(3, 'b', { n: 3 }), message(4, 'c', { n: 4 })], resolved)),
    ).rejects.toThrow('mongo down');
    expect(resolved).toEqual(['1']);
    expect(ran).not.toContain(3);
  });
});
