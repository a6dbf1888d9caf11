// The baseline every Parley figure is set beside: the same documents written straight to the same
// mongod with the Node driver, in the same run (absolute times drift on a shared machine).
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { performance } from 'node:perf_hooks';
import { MongoClient, ObjectId } from 'mongodb';
import { pool, summary } from './stats.mjs';

export function messageDocument(roomId, authorId) {
  return {
    account_id: 'bench-baseline',
    room_id: roomId,
    seq: 0,
    conversation_id: authorId,
    user_id: 'bench',
    content: 'benchmark message with a little text in it',
    source: 'chat',
    attachments: [],
    client_message_id: randomUUID(),
    receivers: [authorId],
    deleted: false,
    deleted_by: [],
    created: new Date(),
    updated: new Date(),
  };
}

/** Times each call of `task` into `samples` (ms). */
const timed = (samples, task) => async () => {
  const began = performance.now();
  await task();
  samples.push(performance.now() - began);
};

/**
 * insertOne (w:majority, j:true) and a two-insert transaction (message + outbox entry, as messaging
 * writes), each `sequential` times one at a time and `concurrent` times with `inFlight` in flight.
 */
export async function mongoBaseline(mongoUrl, { sequential, concurrent, inFlight }) {
  const client = await new MongoClient(mongoUrl).connect();
  const db = client.db('parley_bench_baseline');
  const messages = db.collection('messages');
  const outbox = db.collection('outbox');
  const room = new ObjectId();
  const author = new ObjectId();
  const options = { writeConcern: { w: 'majority', j: true } };
  const insert = () => messages.insertOne(messageDocument(room, author), options);
  const transaction = async () => {
    const session = client.startSession();
    try {
      await session.withTransaction(async () => {
        await messages.insertOne(messageDocument(room, author), { session });
        await outbox.insertOne({ _id: randomUUID(), created_at: new Date(), published_at: null }, { session });
      });
    } finally {
      await session.endSession();
    }
  };
  try {
    for (let index = 0; index < 50; index++) await insert();
    await pool(20, 1, transaction);
    const insertOne = [];
    const insertMany = [];
    const txOne = [];
    const txMany = [];
    const one = await pool(sequential, 1, timed(insertOne, insert));
    const many = await pool(concurrent, inFlight, timed(insertMany, insert));
    const txOneSeconds = await pool(sequential, 1, timed(txOne, transaction));
    const txManySeconds = await pool(concurrent, inFlight, timed(txMany, transaction));
    await db.dropDatabase();
    return {
      insertsPerSecondOneAtATime: sequential / one,
      insertsPerSecondInFlight: concurrent / many,
      transactionsPerSecondOneAtATime: sequential / txOneSeconds,
      transactionsPerSecondInFlight: concurrent / txManySeconds,
      insertMsOneAtATime: summary(insertOne),
      insertMsInFlight: summary(insertMany),
      transactionMsOneAtATime: summary(txOne),
      transactionMsInFlight: summary(txMany),
    };
  } finally {
    await client.close();
  }
}

/**
 * The transport's floor: `count` kafkajs request-reply round trips through the broker, one at a time
 * (bench/lib/kafka-round-trip.mjs), run on `node` (the apps' runtime) so the figure is theirs to beat.
 */
export async function kafkaRoundTrip(node, brokers, count) {
  const script = fileURLToPath(new URL('./kafka-round-trip.mjs', import.meta.url));
  const { stdout } = await promisify(execFile)(node, [script, brokers, String(count)], { env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' }, timeout: 120_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}
