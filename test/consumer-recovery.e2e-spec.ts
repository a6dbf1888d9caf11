import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kafka, KafkaJSNonRetriableError, logLevel, type Consumer, type Producer } from 'kafkajs';
import { watchConsumerCrashes, type ConsumerWatch } from '@parley/kafka';
import { eventually, readState } from '@parley/testing';

/**
 * Against the system's real Kafka: a consumer that kafkajs stops after an error it does not retry
 * (there, an app stayed up and healthy while it consumed nothing) is started again by the crash
 * watch every app's consumers run under, and goes on from the message it had not finished.
 */
describe('a Kafka consumer kafkajs gives up on', () => {
  const topic = `e2e-consumer-recovery-${Date.now()}`;
  let kafka: Kafka;
  let producer: Producer;
  let consumer: Consumer;
  let watch: ConsumerWatch;
  const crashes: boolean[] = [];
  const handled: string[] = [];
  const logged: string[] = [];

  beforeAll(async () => {
    const { env } = readState();
    kafka = new Kafka({ clientId: 'e2e-consumer-recovery', brokers: env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
  });

  afterAll(async () => {
    watch?.stop();
    await consumer?.disconnect();
    await producer?.disconnect();
  });

  it('is started again by the crash watch and handles the message it had failed on, then the next ones', async () => {
    consumer = kafka.consumer({ groupId: topic, maxWaitTimeInMs: 100, sessionTimeout: 10_000, rebalanceTimeout: 10_000, heartbeatInterval: 1000 });
    let refused = false;
    const run = () =>
      consumer.run({
        eachMessage: async ({ message }) => {
          const value = message.value?.toString() ?? '';
          if (value === 'first' && !refused) {
            refused = true;
            throw new KafkaJSNonRetriableError('refused once, as a handler may on a bad day');
          }
          handled.push(value);
        },
      });
    consumer.on(consumer.events.CRASH, ({ payload }) => crashes.push(payload.restart));
    const log = (details: object, message: string) => logged.push(message);
    watch = watchConsumerCrashes(consumer, run, { error: log, warn: log });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await run();

    await producer.send({ topic, messages: [{ key: 'k', value: 'first' }] });
    await eventually(() => handled.length, (count) => count >= 1, 'the refused message handled after the restart', 30_000);
    expect(handled).toEqual(['first']);
    expect(crashes).toEqual([false]);
    expect(logged).toEqual([
      'Kafka consumer stopped by kafkajs after an error it does not retry; starting it again',
      'Kafka consumer started again: it rejoined its group',
    ]);

    await producer.send({ topic, messages: [{ key: 'k', value: 'second' }] });
    await eventually(() => handled.length, (count) => count >= 2, 'the next message handled');
    expect(handled).toEqual(['first', 'second']);
  }, 60_000);
});
