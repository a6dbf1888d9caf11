import { describe, expect, it } from '@jest/globals';
import type { Producer, ProducerBatch } from 'kafkajs';
import { BatchingProducer } from './batching-producer.js';

/** A kafkajs producer stand-in that records each request and answers when told to. */
function fakeProducer() {
  const requests: ProducerBatch[] = [];
  const answers: ((error?: Error) => void)[] = [];
  const producer = {
    sendBatch: (batch: ProducerBatch) => {
      requests.push(batch);
      return new Promise((resolve, reject) => answers.push((error) => (error ? reject(error) : resolve([]))));
    },
  } as unknown as Producer;
  return { producer, requests, answers };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('BatchingProducer', () => {
  it('sends what is produced in the same moment as one request, grouped by topic, in order', async () => {
    const { producer, requests, answers } = fakeProducer();
    const batching = new BatchingProducer(producer);
    const sent = [batching.send('a', [{ value: '1' }]), batching.send('b', [{ value: '2' }]), batching.send('a', [{ value: '3' }])];
    await tick();
    expect(requests).toHaveLength(1);
    expect(requests[0].topicMessages).toEqual([
      { topic: 'a', messages: [{ value: '1' }, { value: '3' }] },
      { topic: 'b', messages: [{ value: '2' }] },
    ]);
    expect(requests[0].acks).toBe(-1);
    answers.shift()?.();
    await Promise.all(sent);
  });

  it('holds what comes while a request is out for the next request, one request at a time', async () => {
    const { producer, requests, answers } = fakeProducer();
    const batching = new BatchingProducer(producer);
    const first = batching.send('a', [{ value: '1' }]);
    await tick();
    const second = batching.send('a', [{ value: '2' }]);
    const third = batching.send('a', [{ value: '3' }]);
    await tick();
    expect(requests).toHaveLength(1);
    answers.shift()?.();
    await first;
    await tick();
    expect(requests).toHaveLength(2);
    expect(requests[1].topicMessages).toEqual([{ topic: 'a', messages: [{ value: '2' }, { value: '3' }] }]);
    answers.shift()?.();
    await Promise.all([second, third]);
  });

  it('fails every send of a request the broker refused, and is drained afterwards', async () => {
    const { producer, answers } = fakeProducer();
    const batching = new BatchingProducer(producer);
    const sent = batching.send('a', [{ value: '1' }]);
    await tick();
    answers.shift()?.(new Error('broker gone'));
    await expect(sent).rejects.toThrow('broker gone');
    await expect(batching.drained()).resolves.toBeUndefined();
  });
});
