import { describe, expect, it } from '@jest/globals';
import type { Producer, ProducerBatch } from 'kafkajs';
import { BatchingProducer, requestsOf } from './batching-producer.js';

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

describe('produce requests', () => {
  it('split where the next message would pass the bound, keeping order within each topic, a message over it alone', () => {
    const message = (id: number, size: number) => ({ key: `k${id}`, value: 'x'.repeat(size) });
    const requests = requestsOf(
      [
        { topic: 'a', messages: [message(1, 300), message(2, 300)] },
        { topic: 'b', messages: [message(3, 300)] },
        { topic: 'a', messages: [message(4, 5000), message(5, 10)] },
      ],
      1000,
    );
    const keys = requests.map((request) => Object.fromEntries([...request].map(([topic, messages]) => [topic, messages.map((sent) => sent.key)])));
    expect(keys).toEqual([{ a: ['k1', 'k2'] }, { b: ['k3'] }, { a: ['k4'] }, { a: ['k5'] }]);
  });

  it('keep a thousand events of one bulk create under the broker’s limit, in as few requests as fit', async () => {
    const { producer, requests, answers } = fakeProducer();
    const batching = new BatchingProducer(producer);
    const envelope = 'e'.repeat(1000);
    const sent = batching.send('parley.message.created', Array.from({ length: 1000 }, (_, index) => ({ key: 'room-1', value: `${index}:${envelope}` })));
    for (let answered = 0; answered < 4; answered++) {
      await tick();
      answers.shift()?.();
    }
    await sent;
    expect(requests).toHaveLength(3);
    for (const request of requests) {
      const bytes = request.topicMessages?.[0].messages.reduce((sum, message) => sum + String(message.value).length, 0) ?? 0;
      expect(bytes).toBeLessThanOrEqual(512 * 1024);
    }
    const order = requests.flatMap((request) => request.topicMessages?.[0].messages.map((message) => Number(String(message.value).split(':')[0])) ?? []);
    expect(order).toEqual(Array.from({ length: 1000 }, (_, index) => index));
  });
});
