import { EventEmitter } from 'node:events';
import { describe, expect, it } from '@jest/globals';
import type { Consumer } from 'kafkajs';
import { isMembershipLost, watchConsumerCrashes } from './consumer-crashes.js';

const PAUSES = { firstMs: 10, maxMs: 25 };

/** The part of a kafkajs consumer the watch uses: its CRASH and GROUP_JOIN events, and connect. */
function fakeConsumer() {
  const emitter = new EventEmitter();
  const consumer = {
    events: { CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' },
    on: (event: string, listener: (event: unknown) => void) => emitter.on(event, listener),
    connect: async () => undefined,
    stop: async () => void stops++,
  } as unknown as Consumer;
  let stops = 0;
  return {
    consumer,
    stops: () => stops,
    crash: (restart: boolean) => emitter.emit('consumer.crash', { payload: { error: new Error('Specified group generation id is not valid'), restart } }),
    join: () => emitter.emit('consumer.group_join', { payload: {} }),
  };
}

function logger() {
  const lines: { level: string; message: string; restartInMs?: number }[] = [];
  const line = (level: string) => (details: { restartInMs?: number }, message: string) =>
    lines.push({ level, message, ...(details.restartInMs === undefined ? {} : { restartInMs: details.restartInMs }) });
  return { lines, error: line('error'), warn: line('warn') };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a Kafka consumer crash', () => {
  it('starts a consumer kafkajs gave up on again, and says so once it has rejoined its group', async () => {
    const { consumer, crash, join } = fakeConsumer();
    const log = logger();
    let starts = 0;
    watchConsumerCrashes(consumer, async () => void starts++, log, PAUSES);

    crash(false);
    expect(starts).toBe(0);
    await pause(100);
    expect(starts).toBe(1);
    join();
    expect(log.lines).toEqual([
      { level: 'error', message: expect.stringMatching(/stopped by kafkajs .* starting it again/), restartInMs: 10 },
      { level: 'warn', message: 'Kafka consumer started again: it rejoined its group' },
    ]);
  });

  it('leaves a crash kafkajs restarts from to kafkajs, with an error logged', async () => {
    const { consumer, crash } = fakeConsumer();
    const log = logger();
    let starts = 0;
    watchConsumerCrashes(consumer, async () => void starts++, log, PAUSES);

    crash(true);
    await pause(100);
    expect(starts).toBe(0);
    expect(log.lines).toEqual([{ level: 'error', message: 'Kafka consumer crashed; kafkajs restarts it' }]);
  });

  it('tries again, pausing longer each time, while starting fails; and from the first pause again after a group join', async () => {
    const { consumer, crash, join } = fakeConsumer();
    const log = logger();
    let starts = 0;
    watchConsumerCrashes(consumer, async () => {
      starts++;
      if (starts < 3) throw new Error('connect ECONNREFUSED');
    }, log, PAUSES);

    crash(false);
    await pause(200);
    expect(starts).toBe(3);
    join();
    crash(false);
    expect(log.lines.filter((line) => line.level === 'error').map((line) => [line.message.split(';')[0], line.restartInMs])).toEqual([
      ['Kafka consumer stopped by kafkajs after an error it does not retry', 10],
      ['Kafka consumer could not be started again', 20],
      ['Kafka consumer could not be started again', 25],
      ['Kafka consumer stopped by kafkajs after an error it does not retry', 10],
    ]);
  });

  it('does not start the consumer again once the app is shutting down', async () => {
    const { consumer, crash } = fakeConsumer();
    const log = logger();
    let starts = 0;
    const watch = watchConsumerCrashes(consumer, async () => void starts++, log, PAUSES);

    crash(false);
    watch.stop();
    crash(false);
    await pause(100);
    expect(starts).toBe(0);
  });
});

describe('a consumer its group has lost', () => {
  it('is stopped and run again, once however often its commits are refused, and says so when it has rejoined', async () => {
    const { consumer, join, stops } = fakeConsumer();
    const log = logger();
    let starts = 0;
    const watch = watchConsumerCrashes(consumer, async () => void starts++, log, PAUSES);
    const refused = Object.assign(new Error('The coordinator is not aware of this member'), { type: 'UNKNOWN_MEMBER_ID' });
    watch.rejoin(refused);
    watch.rejoin(refused);
    await pause(50);
    expect([stops(), starts]).toEqual([1, 1]);
    join();
    expect(log.lines.map((line) => line.level)).toEqual(['error', 'warn']);
  });

  it('is told by the protocol error a commit failed with, wrapped by kafkajs or not', () => {
    const protocol = Object.assign(new Error('The coordinator is not aware of this member'), { type: 'UNKNOWN_MEMBER_ID' });
    expect(isMembershipLost(Object.assign(new Error('not retriable'), { cause: protocol }))).toBe(true);
    expect(isMembershipLost(Object.assign(new Error('generation'), { type: 'ILLEGAL_GENERATION' }))).toBe(true);
    expect(isMembershipLost(Object.assign(new Error('rebalancing'), { type: 'REBALANCE_IN_PROGRESS' }))).toBe(false);
    expect(isMembershipLost(new Error('connection closed'))).toBe(false);
  });
});
