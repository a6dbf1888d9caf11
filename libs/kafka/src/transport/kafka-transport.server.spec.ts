import { describe, expect, it } from '@jest/globals';
import type { MessageHandler } from '@nestjs/microservices';
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import { KafkaTransportServer } from './kafka-transport.server.js';
import { leaveForLater } from './left-for-later.js';
import { EventRun, RUNS_PER_KEY } from '../consumer/event-run.js';

interface BatchRunner {
  handleBatch(payload: EachBatchPayload): Promise<void>;
}

function server(eventBatchBudgetMs = 10_000) {
  const transport = new KafkaTransportServer({
    client: { brokers: ['127.0.0.1:1'] },
    consumer: { groupId: 'test' },
    partitionsConsumedConcurrently: 1,
    commandTtlMs: 10_000,
    eventBatchBudgetMs,
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

/** What kafkajs' pause and resume of the batch's partition were called, in order. */
type PauseLog = string[];

function batchOf(messages: KafkaMessage[], resolved: string[], pauses: PauseLog = []): EachBatchPayload {
  return {
    batch: { topic: 'parley.room.updated', partition: 0, messages, offsetLag: () => '0' },
    resolveOffset: (offset: string) => resolved.push(offset),
    heartbeat: async () => undefined,
    isRunning: () => true,
    isStale: () => false,
    pause: () => {
      pauses.push('pause');
      return () => pauses.push('resume');
    },
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

  it('stops starting events past its budget and leaves the rest for the next fetch, so one long backlog does not hold up the other partitions', async () => {
    const { transport, run } = server(100);
    const ran: number[] = [];
    transport.addHandler(
      'parley.room.updated',
      eventHandler(async ({ n }) => {
        ran.push(n);
        await pause(30);
      }),
      true,
    );
    const backlog = Array.from({ length: 20 }, (_, index) => message(index, 'room-a', { n: index }));
    const resolved: string[] = [];
    await run(batchOf(backlog, resolved));
    // The batch returns with part of the backlog run, in order, and resolved as far as it ran.
    expect(ran.length).toBeGreaterThan(0);
    expect(ran.length).toBeLessThan(backlog.length);
    expect(ran).toEqual(ran.map((_, index) => index));
    expect(resolved).toEqual(ran.map(String));

    // The next fetch starts at the first message left, and the backlog is handled once in the end.
    for (let round = 0; ran.length < backlog.length && round < 50; round++) {
      await run(batchOf(backlog.slice(Number(resolved.at(-1)) + 1), resolved));
    }
    expect(ran).toEqual(backlog.map((_, index) => index));
    expect(resolved).toEqual(backlog.map((_, index) => String(index)));
  });

  it('does not run again the messages of other keys it handled past a message left for the next fetch', async () => {
    // A budget wide enough that a busy machine's scheduling delay does not use it up before the
    // first message starts (10 ms did, once, with a load average of 6), and a slow message well past it.
    const { transport, run } = server(100);
    const ran: string[] = [];
    transport.addHandler(
      'parley.room.updated',
      eventHandler(async ({ n }) => {
        ran.push(String(n));
        await pause(n < 10 ? 300 : 0);
      }),
      true,
    );
    // room-a's slow first message outlasts the budget; room-b's quick one (offset 2) runs at once.
    const batch = [message(0, 'room-a', { n: 0 }), message(1, 'room-a', { n: 1 }), message(2, 'room-b', { n: 10 }), message(3, 'room-a', { n: 3 })];
    const resolved: string[] = [];
    await run(batchOf(batch, resolved));
    expect(resolved).toEqual(['0']);
    expect(ran).toEqual(['0', '10']);
    await run(batchOf(batch.slice(1), resolved));
    expect(resolved).toEqual(['0', '1', '2']);
    await run(batchOf(batch.slice(3), resolved));
    expect(resolved).toEqual(['0', '1', '2', '3']);
    expect(ran).toEqual(['0', '10', '1', '3']);
  });
});

describe('KafkaTransportServer and a message left for later', () => {
  it('leaves the message and its key\'s later ones unresolved, handles the other keys, and pauses the partition until the delay is over', async () => {
    const { transport, run } = server();
    const ran: number[] = [];
    let failing = true;
    transport.addHandler(
      'parley.room.updated',
      Object.assign(
        async (data: unknown, context: { getMessage(): KafkaMessage }) => {
          const { n } = data as { n: number };
          // What EventConsumer does for a handler that threw RetryLaterError.
          if (n === 1 && failing) return leaveForLater(context.getMessage(), 150);
          ran.push(n);
        },
        { isEventHandler: true },
      ) as unknown as MessageHandler,
      true,
    );
    const batch = [message(0, 'room-a', { n: 0 }), message(1, 'room-a', { n: 1 }), message(2, 'room-b', { n: 2 }), message(3, 'room-a', { n: 3 })];
    const resolved: string[] = [];
    const pauses: PauseLog = [];
    await run(batchOf(batch, resolved, pauses));
    expect(ran).toEqual([0, 2]);
    expect(resolved).toEqual(['0']);
    expect(pauses).toEqual(['pause']);
    await pause(50);
    expect(pauses).toEqual(['pause']);
    await pause(200);
    expect(pauses).toEqual(['pause', 'resume']);

    // Fetched again from the message left: it runs, room-b's is not run twice, room-a's next follows.
    failing = false;
    await run(batchOf(batch.slice(1), resolved, pauses));
    expect(ran).toEqual([0, 2, 1, 3]);
    expect(resolved).toEqual(['0', '1', '2', '3']);
  });
});

describe('KafkaTransportServer stopping', () => {
  it('lets a running batch finish and commits it while still in the group, then leaves; a batch fetched meanwhile does not run', async () => {
    const { transport } = server();
    const calls: string[] = [];
    const fakeConsumer = {
      pause: () => calls.push('pause'),
      commitOffsets: async (offsets: { offset: string }[]) => calls.push(`commit ${offsets.map((offset) => offset.offset).join(',')}`),
      stop: async () => calls.push('stop'),
      disconnect: async () => calls.push('disconnect'),
    };
    Object.assign(transport as unknown as Record<string, unknown>, { consumer: fakeConsumer, topics: ['parley.room.updated'] });
    const ran: number[] = [];
    transport.addHandler(
      'parley.room.updated',
      eventHandler(async ({ n }) => {
        await pause(50);
        ran.push(n);
        calls.push(`handled ${n}`);
      }),
      true,
    );
    const runBatch = (payload: EachBatchPayload) => (transport as unknown as { runBatch(payload: EachBatchPayload): Promise<void> }).runBatch(payload);
    const resolved: string[] = [];
    const running = runBatch(batchOf([message(7, 'room-a', { n: 7 })], resolved));
    await pause(5);
    const closed = transport.close();
    await runBatch(batchOf([message(8, 'room-a', { n: 8 })], resolved));
    await Promise.all([running, closed]);

    // Offset 8 is the next to read: 7 is committed before kafkajs' stop leaves the group.
    expect(calls).toEqual(['pause', 'handled 7', 'commit 8', 'stop', 'disconnect']);
    expect(ran).toEqual([7]);
    expect(resolved).toEqual(['7']);
  });
});

describe('KafkaTransportServer replies', () => {
  it('answers a command whose reply Kafka refuses as too large with a 500 saying so at once, not silence until the caller times out', async () => {
    const { transport } = server();
    const sent: { topic: string; headers: Record<string, string>; value: string | null }[] = [];
    const fakeReplies = {
      send: async (topic: string, messages: { value: string | null; headers: Record<string, string> }[]) => {
        const [reply] = messages;
        if ((reply.value ?? '').length > 1000) throw Object.assign(new Error('The request included a message larger than the max message size the server will accept'), { type: 'MESSAGE_TOO_LARGE' });
        sent.push({ topic, headers: reply.headers, value: reply.value });
      },
    };
    Object.assign(transport as unknown as Record<string, unknown>, { replies: fakeReplies });
    transport.addHandler('rooms.room.list', Object.assign(async () => ({ data: 'x'.repeat(5000) }), { isEventHandler: false }) as unknown as MessageHandler, false);
    const command = message(1, 'acc', { actor: {}, payload: {} });
    command.headers = { kafka_correlationId: Buffer.from('c-1'), kafka_replyTopic: Buffer.from('parley.replies'), kafka_replyPartition: Buffer.from('0'), 'parley-pattern': Buffer.from('rooms.room.list') };
    await (transport as unknown as { dispatch(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>): Promise<void> }).dispatch('parley.commands.rooms', 0, command, async () => undefined);
    await pause(10);
    expect(sent).toHaveLength(1);
    expect(sent[0].headers.kafka_correlationId).toBe('c-1');
    expect(JSON.parse(sent[0].headers['kafka_nest-err'])).toMatchObject({ statusCode: 500, message: expect.stringContaining('too large to send') });
  });
});

describe('KafkaTransportServer commands of one key', () => {
  function commandBatch(messages: KafkaMessage[], resolved: string[]): EachBatchPayload {
    return { ...batchOf(messages, resolved), batch: { topic: 'parley.commands.messaging', partition: 0, messages, offsetLag: () => '0' } } as unknown as EachBatchPayload;
  }
  function command(offset: number, key: string, pattern: string): KafkaMessage {
    const built = message(offset, key, { actor: {}, payload: { n: offset } });
    built.headers = { kafka_correlationId: Buffer.from(`c-${offset}`), kafka_replyTopic: Buffer.from('parley.replies'), 'parley-pattern': Buffer.from(pattern) };
    return built;
  }

  it('runs a key\'s commands at once when their handler says they need no order (CONCURRENT_PER_KEY), and one after another otherwise', async () => {
    const { transport, run } = server();
    Object.assign(transport as unknown as Record<string, unknown>, { replies: { send: async () => undefined } });
    const log: string[] = [];
    const handler = (name: string) =>
      Object.assign(
        async (data: { payload: { n: number } }) => {
          log.push(`${name} ${data.payload.n} start`);
          await pause(30);
          log.push(`${name} ${data.payload.n} end`);
          return {};
        },
        { isEventHandler: false },
      ) as unknown as MessageHandler;
    transport.addHandler('messaging.message.create', handler('send'), false, { concurrentPerKey: true });
    transport.addHandler('messaging.message.update', handler('edit'), false);
    const resolved: string[] = [];
    await run(commandBatch([command(1, 'room-a', 'messaging.message.create'), command(2, 'room-a', 'messaging.message.create')], resolved));
    expect(log).toEqual(['send 1 start', 'send 2 start', 'send 1 end', 'send 2 end']);
    log.length = 0;
    await run(commandBatch([command(3, 'room-a', 'messaging.message.update'), command(4, 'room-a', 'messaging.message.update')], resolved));
    expect(log).toEqual(['edit 3 start', 'edit 3 end', 'edit 4 start', 'edit 4 end']);
    expect(resolved).toEqual(['1', '2', '3', '4']);
  });
});

describe('KafkaTransportServer runs of one key', () => {
  /** A RUNS_PER_KEY handler that logs the values of each run it gets; `leave` marks one value's message left for later. */
  function runHandler(runs: number[][], leave?: { n: number; delayMs: number }): MessageHandler {
    return Object.assign(
      async (data: unknown) => {
        const run = data as EventRun;
        expect(run).toBeInstanceOf(EventRun);
        runs.push(run.items.map(({ payload }) => (payload as { n: number }).n));
        for (const { payload, context } of run.items) {
          if ((payload as { n: number }).n === leave?.n) leaveForLater(context.getMessage(), leave.delayMs);
        }
      },
      { isEventHandler: true, extras: RUNS_PER_KEY },
    ) as unknown as MessageHandler;
  }

  it('hands a RUNS_PER_KEY handler every message of a key in one call, in order, one call per key, and resolves them all', async () => {
    const { transport, run } = server();
    const runs: number[][] = [];
    transport.addHandler('parley.message.created', runHandler(runs), true, RUNS_PER_KEY);
    const resolved: string[] = [];
    const batch = batchOf([message(0, 'room-a', { n: 0 }), message(1, 'room-b', { n: 1 }), message(2, 'room-a', { n: 2 }), message(3, 'room-a', { n: 3 })], resolved);
    (batch.batch as { topic: string }).topic = 'parley.message.created';
    await run(batch);
    expect(runs).toEqual([[0, 2, 3], [1]]);
    expect(resolved).toEqual(['0', '1', '2', '3']);
  });

  it('leaves the first message of a run its handler left for later with the run\'s later ones, and pauses the partition', async () => {
    const { transport, run } = server();
    const runs: number[][] = [];
    const leave = { n: 2, delayMs: 50 };
    transport.addHandler('parley.message.created', runHandler(runs, leave), true, RUNS_PER_KEY);
    const resolved: string[] = [];
    const pauses: PauseLog = [];
    const batch = batchOf([message(0, 'room-a', { n: 0 }), message(1, 'room-b', { n: 1 }), message(2, 'room-a', { n: 2 }), message(3, 'room-a', { n: 3 })], resolved, pauses);
    (batch.batch as { topic: string }).topic = 'parley.message.created';
    await run(batch);
    // 0 and 1 are handled; 2 was left, so 3 (after it in room-a) is left too: the offset stops at 1.
    expect(resolved).toEqual(['0', '1']);
    expect(pauses).toEqual(['pause']);
    await pause(80);
    expect(pauses).toEqual(['pause', 'resume']);
    // Fetched again from offset 2, the handled room-b message is not run twice.
    runs.length = 0;
    const again = batchOf([message(2, 'room-a', { n: 2 }), message(3, 'room-a', { n: 3 })], resolved);
    (again.batch as { topic: string }).topic = 'parley.message.created';
    leave.n = -1;
    await run(again);
    expect(runs).toEqual([[2, 3]]);
    expect(resolved).toEqual(['0', '1', '2', '3']);
  });
});
