import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { MongoClient, type Db } from 'mongodb';
import { readState } from './apps.js';

let client: MongoClient | undefined;
let producer: Producer | undefined;

/** The system's database, read directly: to prove what was (and was not) written. */
export async function database(): Promise<Db> {
  const { env } = readState();
  if (!env.MONGO_DB.includes('test')) throw new Error(`refusing to use database ${env.MONGO_DB}: its name does not say test`);
  client ??= await new MongoClient(env.MONGO_URL).connect();
  return client.db(env.MONGO_DB);
}

/** Counts everything stored for one account across the collections the apps write. */
export async function documentsOfAccount(accountId: string): Promise<Record<string, number>> {
  const db = await database();
  const counts: Record<string, number> = {};
  for (const name of [
    'conversations',
    'conversations.rooms',
    'conversations.messages',
    'conversations.message_favorites',
    'conversations.message_reminders',
    'conversations.status_history',
  ]) {
    counts[name] = await db.collection(name).countDocuments({ account_id: accountId });
  }
  counts['messaging.outbox'] = await db.collection('messaging.outbox').countDocuments({ 'envelope.accountId': accountId });
  counts['rooms.outbox'] = await db.collection('rooms.outbox').countDocuments({ 'envelope.accountId': accountId });
  return counts;
}

/** Publishes raw messages to a topic, as another service (or a redelivery) would. */
export async function publish(topic: string, messages: { key: string; value: string; headers?: Record<string, string> }[]): Promise<void> {
  const { env } = readState();
  if (!producer) {
    const kafka = new Kafka({ clientId: 'e2e-tests', brokers: env.KAFKA_BROKERS.split(','), logLevel: logLevel.WARN });
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
  }
  await producer.send({ topic, messages, acks: -1 });
}

/** How many messages a topic holds: the sum of its partitions' end offsets. */
export async function topicSize(topic: string): Promise<number> {
  const { env } = readState();
  const admin = new Kafka({ clientId: 'e2e-tests-admin', brokers: env.KAFKA_BROKERS.split(','), logLevel: logLevel.WARN }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((total, partition) => total + Number(partition.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** A message as read back from a topic: its key, value and headers as text. */
export interface TopicMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/**
 * The first message of a topic (read from its beginning) that `matches`: to hand a command or an
 * event to its app again exactly as it was sent, as Kafka does after a crash.
 */
export async function findOnTopic(topic: string, matches: (message: TopicMessage) => boolean, timeoutMs = 20_000): Promise<TopicMessage> {
  const { env } = readState();
  const kafka = new Kafka({ clientId: 'e2e-tests-reader', brokers: env.KAFKA_BROKERS.split(','), logLevel: logLevel.WARN });
  const consumer = kafka.consumer({ groupId: `e2e-reader-${Date.now()}-${Math.random().toString(36).slice(2)}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    return await new Promise<TopicMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message on ${topic} within ${timeoutMs} ms`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ message }) => {
          const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(Array.isArray(value) ? value[0] : value)]));
          const read = { key: message.key?.toString() ?? '', value: message.value?.toString() ?? '', headers };
          if (!matches(read)) return;
          clearTimeout(timer);
          resolve(read);
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
}

/** Closes the connections this file opened (call in afterAll). */
export async function closeStores(): Promise<void> {
  await client?.close();
  await producer?.disconnect();
  client = undefined;
  producer = undefined;
}
