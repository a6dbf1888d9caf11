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

  it('fails only the sends of a message too large for Kafka and sends what follows it; any other failure fails what follows too, keeping order', async () => {
    const tooLarge = Object.assign(new Error('The request included a message larger than the max message size the server will accept'), { type: 'MESSAGE_TOO_LARGE' });
    const refusing = (refuse: (value: string) => Error | null) => {
      const sentValues: string[] = [];
      const producer = {
        sendBatch: async (batch: ProducerBatch) => {
          const values = batch.topicMessages?.flatMap((topic) => topic.messages.map((message) => String(message.value))) ?? [];
          const error = values.map(refuse).find((found) => found !== null);
          if (error) throw error;
          sentValues.push(...values);
        },
      } as unknown as Producer;
      return { batching: new BatchingProducer(producer), sentValues };
    };
    const big = 'x'.repeat(600 * 1024);
    const first = refusing((value) => (value === big ? tooLarge : null));
    const outcomes = await Promise.allSettled([first.batching.send('r', [{ value: 'small 1' }]), first.batching.send('r', [{ value: big }]), first.batching.send('r', [{ value: 'small 2' }])]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(first.sentValues).toEqual(['small 1', 'small 2']);

    const second = refusing((value) => (value === big ? new Error('broker gone') : null));
    const stopped = await Promise.allSettled([second.batching.send('r', [{ value: 'small 1' }]), second.batching.send('r', [{ value: big }]), second.batching.send('r', [{ value: 'small 2' }])]);
    expect(stopped.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(second.sentValues).toEqual(['small 1']);
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
    const keys = requests.map((request) => Object.fromEntries([...request.topicMessages].map(([topic, messages]) => [topic, messages.map((sent) => sent.key)])));
    expect(requests.map((request) => [...request.items])).toEqual([[0], [1], [2], [2]]);
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
