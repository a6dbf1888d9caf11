import { describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { LogDestination } from './log-destination.js';

/** A logger on a LogDestination whose writes are recorded. */
function loggerWithWrites() {
  const writes: string[] = [];
  const destination = new LogDestination({ write: (data: string) => writes.push(data) });
  const logger = pino({ base: null, timestamp: false }, destination);
  return { writes, logger, destination };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const messages = (write: string) => write.trim().split('\n').map((line) => (JSON.parse(line) as { msg: string }).msg);

describe('LogDestination', () => {
  it('writes the info lines of one turn of the event loop in one write, in order', async () => {
    const { writes, logger } = loggerWithWrites();
    logger.info('first');
    logger.info('second');
    logger.warn('third');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toHaveLength(1);
    expect(messages(writes[0])).toEqual(['first', 'second', 'third']);
    logger.info('next turn');
    await nextTurn();
    expect(writes.map(messages)).toEqual([['first', 'second', 'third'], ['next turn']]);
  });

  it('writes an error or fatal line at once, after the lines before it', async () => {
    const { writes, logger } = loggerWithWrites();
    logger.info('before');
    logger.error('failed');
    expect(writes.map(messages)).toEqual([['before', 'failed']]);
    logger.fatal('dying');
    expect(writes.map(messages)).toEqual([['before', 'failed'], ['dying']]);
    await nextTurn();
    expect(writes).toHaveLength(2);
  });

  it('writes what is pending when flushed, and nothing when nothing is', () => {
    const { writes, logger, destination } = loggerWithWrites();
    destination.flush();
    expect(writes).toEqual([]);
    logger.info('pending');
    destination.flush();
    expect(writes.map(messages)).toEqual([['pending']]);
  });
});
