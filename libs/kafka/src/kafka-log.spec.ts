import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from '@jest/globals';
import { logLevel } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { pino } from 'pino';
import { kafkajsLogCreator } from './kafka-log.js';

const root = PinoLogger as unknown as { root: unknown };
const before = root.root;

function appLogger(lines: Record<string, unknown>[]) {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return pino({ base: { app: 'realtime' } }, sink);
}

describe('kafkajs log lines', () => {
  afterEach(() => {
    root.root = before;
  });

  it("are written by the app's logger, with its name, pino's level, kafkajs' namespace as the context and its fields apart", async () => {
    const lines: Record<string, unknown>[] = [];
    root.root = appLogger(lines);
    const log = kafkajsLogCreator(logLevel.WARN);
    log({
      namespace: 'Runner',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: {
        timestamp: '2026-11-28T15:33:49.003Z',
        logger: 'kafkajs',
        message: 'The coordinator is not aware of this member, re-joining the group',
        groupId: 'realtime',
        error: 'The coordinator is not aware of this member',
      },
    });
    log({ namespace: 'Connection', level: logLevel.WARN, label: 'WARN', log: { timestamp: 'x', logger: 'kafkajs', message: 'Response Heartbeat', correlationId: 39 } });
    await new Promise((resolve) => setImmediate(resolve));

    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 50,
      app: 'realtime',
      context: 'kafkajs.Runner',
      msg: 'The coordinator is not aware of this member, re-joining the group',
      kafkajs: { groupId: 'realtime', error: 'The coordinator is not aware of this member' },
    });
    expect(lines[0]).not.toHaveProperty('timestamp');
    expect(lines[0].kafkajs).toEqual({ groupId: 'realtime', error: 'The coordinator is not aware of this member' });
    // kafkajs' correlation id is a Kafka request's, not the one the app logs for what it handles.
    expect(lines[1]).toMatchObject({ level: 40, context: 'kafkajs.Connection', msg: 'Response Heartbeat', kafkajs: { correlationId: 39 } });
    expect(lines[1]).not.toHaveProperty('correlationId');
  });

  it('writes a broker error answer that kafkajs retries itself as a warning, and keeps its other errors', async () => {
    const lines: Record<string, unknown>[] = [];
    root.root = appLogger(lines);
    const log = kafkajsLogCreator(logLevel.WARN);
    const error = (namespace: string, message: string, fields: Record<string, unknown>) =>
      log({ namespace, level: logLevel.ERROR, label: 'ERROR', log: { timestamp: 'x', logger: 'kafkajs', message, ...fields } });
    error('Connection', 'Response JoinGroup(key: 11, version: 5)', { error: 'This is not the correct coordinator for this group', correlationId: 7, size: 40 });
    error('Connection', 'Connection error: connect ECONNREFUSED 127.0.0.1:9092', { stack: 'Error: connect ECONNREFUSED' });
    error('Consumer', 'Crash: KafkaJSNumberOfRetriesExceeded: connect ECONNREFUSED', { groupId: 'rooms' });
    await new Promise((resolve) => setImmediate(resolve));

    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      [40, 'Response JoinGroup(key: 11, version: 5)'],
      [50, 'Connection error: connect ECONNREFUSED 127.0.0.1:9092'],
      [50, 'Crash: KafkaJSNumberOfRetriesExceeded: connect ECONNREFUSED'],
    ]);
    expect(lines[0]).toMatchObject({ kafkajs: { error: 'This is not the correct coordinator for this group' } });
  });
});
