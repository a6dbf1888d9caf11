// Machine-to-machine bulk create: BENCH_M2M_BATCHES batches of BENCH_M2M_BATCH_SIZE listing messages
// through POST /m2m/conversationmessage/bulk-create (each batch one transaction, its events through
// the outbox), beside raw MongoDB insertMany of the same number of message documents, same run; and
// how long after the last batch's answer the seller's socket has had every one pushed, and the seller's
// unread count in rooms has counted every one.
import { ObjectId, MongoClient } from 'mongodb';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { messageDocument } from '../lib/baseline.mjs';
import { summary } from '../lib/stats.mjs';
import { connectSocket } from '../lib/traffic.mjs';

export async function m2mBench({ call, token, mongoUrl, realtimeUrl, batches, batchSize }) {
  const service = token('bench-listing-service', ['conversation.m2m']);
  const listingId = `bench-${randomUUID()}`;
  const thread = await call('POST', '/m2m/conversationthread/create', service, { data: { listingId, participantIds: ['bench-buyer', 'bench-seller'] } });
  const seller = token('bench-seller');
  const socket = await connectSocket(realtimeUrl, seller);
  let pushed = 0;
  let allPushed = null;
  const everyPush = new Promise((resolve) => (allPushed = resolve));
  socket.on('new_message', (push) => {
    if (push.room_id === thread.id && ++pushed === batches * batchSize) allPushed(performance.now());
  });
  const batchMs = [];
  for (let batch = 0; batch < batches; batch++) {
    const dataList = Array.from({ length: batchSize }, (_, index) => ({
      conversationThreadId: thread.id,
      senderId: index % 2 === 0 ? 'bench-buyer' : 'bench-seller',
      receiverId: index % 2 === 0 ? 'bench-seller' : 'bench-buyer',
      content: `bulk ${batch}.${index} benchmark message with a little text in it`,
    }));
    const began = performance.now();
    const created = await call('POST', '/m2m/conversationmessage/bulk-create', service, { dataList });
    batchMs.push(performance.now() - began);
    if (created.length !== batchSize) throw new Error(`m2m bench: a batch created ${created.length} of ${batchSize}`);
  }
  const answered = performance.now();
  const toSeller = Math.ceil(batchSize / 2) * batches;
  let unread = 0;
  while (unread < toSeller && performance.now() - answered < 60_000) {
    unread = (await call('GET', `/v1/rooms/${thread.id}`, seller)).unread_count;
    if (unread < toSeller) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (unread < toSeller) throw new Error(`m2m bench: the seller's unread count reached ${unread} of ${toSeller} in 60 s`);
  const unreadCaughtUpMs = performance.now() - answered;
  const lastPushed = await Promise.race([everyPush, new Promise((resolve) => setTimeout(() => resolve(null), 60_000))]);
  socket.close();
  if (lastPushed === null) throw new Error(`m2m bench: the seller's socket got ${pushed} of ${batches * batchSize} pushes in 60 s`);
  const pushedAllMs = Math.max(0, lastPushed - answered);
  const client = await new MongoClient(mongoUrl).connect();
  const rawMs = [];
  try {
    const messages = client.db('parley_bench_baseline').collection('m2m_insert_many');
    const roomId = new ObjectId();
    const author = new ObjectId();
    for (let batch = 0; batch < batches; batch++) {
      const documents = Array.from({ length: batchSize }, () => messageDocument(roomId, author));
      const began = performance.now();
      await messages.insertMany(documents, { writeConcern: { w: 'majority', j: true } });
      rawMs.push(performance.now() - began);
    }
  } finally {
    await client.close();
  }
  const perSecond = (samples) => (batches * batchSize) / (samples.reduce((total, ms) => total + ms, 0) / 1000);
  const result = { batches, batchSize, unreadCaughtUpMs, pushedAllMs, batchMs: summary(batchMs), rawBatchMs: summary(rawMs), messagesPerSecond: perSecond(batchMs), rawPerSecond: perSecond(rawMs) };
  return { ...result, ratioToInsertMany: result.messagesPerSecond / result.rawPerSecond };
}
