import { describe, expect, it } from '@jest/globals';
import { onConsumerCrash } from './consumer-crashes.js';

function logger() {
  const lines: string[] = [];
  return { lines, error: (_: object, message: string) => lines.push(`error ${message}`), fatal: (_: object, message: string) => lines.push(`fatal ${message}`) };
}

describe('a Kafka consumer crash', () => {
  it('stops the app when kafkajs gives up on the consumer, so it is not left running without one', () => {
    const log = logger();
    const stopped: Error[] = [];
    const crash = new Error('group authorization failed');
    onConsumerCrash(crash, false, log, (error) => stopped.push(error));
    expect(stopped).toEqual([crash]);
    expect(log.lines).toEqual([expect.stringMatching(/^fatal Kafka consumer stopped for good/)]);
  });

  it('leaves the app running, with an error logged, when kafkajs restarts the consumer itself', () => {
    const log = logger();
    const stopped: Error[] = [];
    onConsumerCrash(new Error('The coordinator is loading'), true, log, (error) => stopped.push(error));
    expect(stopped).toEqual([]);
    expect(log.lines).toEqual(['error Kafka consumer crashed; kafkajs restarts it']);
  });
});
