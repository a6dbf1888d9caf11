// The transport's floor, beside the Parley figures: one request and its reply through the same broker
// with kafkajs alone (produce, consume, produce the reply, consume it), one at a time, the consumers
// set as Parley's are (answer as soon as data arrives). Run as a child process on the apps' Node, so
// the figure is what the apps' runtime gets:
//   node bench/lib/kafka-round-trip.mjs <brokers> <round trips>   → one JSON line { roundTripMs, produceMs }
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { summary } from './stats.mjs';

async function roundTrips(brokers, count) {
  const kafka = new Kafka({ clientId: 'bench-round-trip', brokers: brokers.split(','), logLevel: logLevel.WARN });
  const run = randomUUID().slice(0, 8);
  const requests = `bench.round-trip.${run}.requests`;
  const replies = `bench.round-trip.${run}.replies`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: requests, numPartitions: 6 }, { topic: replies, numPartitions: 6 }], waitForLeaders: true });
  const consumerOf = (name) =>
    kafka.consumer({ groupId: `bench-round-trip-${name}-${run}`, maxWaitTimeInMs: 1000, minBytes: 1, sessionTimeout: 10_000, rebalanceTimeout: 10_000, heartbeatInterval: 1000 });
  const producerOf = () => kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const [requester, responder] = [producerOf(), producerOf()];
  const [server, client] = [consumerOf('server'), consumerOf('client')];
  try {
    await Promise.all([requester.connect(), responder.connect(), server.connect(), client.connect()]);
    let joined = 0;
    const bothJoined = new Promise((resolve) => {
      for (const consumer of [server, client]) consumer.on(consumer.events.GROUP_JOIN, () => ++joined === 2 && resolve());
    });
    await Promise.all([server.subscribe({ topic: requests }), client.subscribe({ topic: replies })]);
    const waiting = new Map();
    await server.run({
      eachBatch: async ({ batch }) => {
        const messages = batch.messages.map((message) => ({ key: message.key, value: message.value, headers: { id: message.headers.id } }));
        await responder.sendBatch({ topicMessages: [{ topic: replies, messages }], acks: -1 });
      },
    });
    await client.run({ eachBatch: async ({ batch }) => batch.messages.forEach((message) => waiting.get(message.headers.id.toString())?.()) });
    await bothJoined;
    const roundTripMs = [];
    const produceMs = [];
    // The first few warm the connections and the JIT; they are not counted.
    for (let index = -20; index < count; index++) {
      const id = randomUUID();
      const began = performance.now();
      const replied = new Promise((resolve) => waiting.set(id, resolve));
      await requester.sendBatch({ topicMessages: [{ topic: requests, messages: [{ key: id, value: 'request', headers: { id } }] }], acks: -1 });
      const produced = performance.now();
      await replied;
      waiting.delete(id);
      if (index >= 0) {
        produceMs.push(produced - began);
        roundTripMs.push(performance.now() - began);
      }
    }
    return { roundTripMs: summary(roundTripMs), produceMs: summary(produceMs) };
  } finally {
    await Promise.allSettled([server.disconnect(), client.disconnect(), requester.disconnect(), responder.disconnect()]);
    await admin.deleteTopics({ topics: [requests, replies] }).catch(() => undefined);
    await admin.disconnect();
  }
}

const [brokers, count] = process.argv.slice(2);
process.stdout.write(`${JSON.stringify(await roundTrips(brokers, Number(count ?? 300)))}\n`);
