// `npm run bench`: starts the whole system on fresh servers, sends messages through the real path
// (HTTP POST to the gateway → messaging → outbox → Kafka → realtime → Socket.IO) and reports
// latency and throughput beside raw MongoDB inserts of the same documents measured in the same run.
// Absolute figures drift on a shared machine; the ratios to the baseline are what to compare.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import jwt from 'jsonwebtoken';
import { MongoClient, ObjectId } from 'mongodb';
import { io } from 'socket.io-client';
import { APPS, spawnApp, stopPid, waitHealthy } from '../deploy/local/apps.mjs';
import { freePort, startInfrastructure } from '../deploy/local/infrastructure.mjs';
import { ROOT, build, ensureDependencies, step } from '../deploy/local/project.mjs';

const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 300);
const CONCURRENT_TOTAL = Number(process.env.BENCH_CONCURRENT ?? 600);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 16);
const FANOUT_MEMBERS = Number(process.env.BENCH_FANOUT_MEMBERS ?? 50);
const FANOUT_MESSAGES = Number(process.env.BENCH_FANOUT_MESSAGES ?? 100);
const PAGING_ROOMS = Number(process.env.BENCH_PAGING_ROOMS ?? 10_000);
const PAGING_MESSAGES = Number(process.env.BENCH_PAGING_MESSAGES ?? 100_000);
const PAGING_REQUESTS = Number(process.env.BENCH_PAGING_REQUESTS ?? 200);

/** CPU seconds a process has used so far (Linux /proc), or NaN where that cannot be read. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

function cpuOfApps(children) {
  return Object.fromEntries(children.map(([app, child]) => [app, cpuSeconds(child.pid)]));
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
}

/** Runs `total` tasks with at most `inFlight` at once; returns the elapsed seconds. */
async function pool(total, inFlight, task) {
  let next = 0;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(inFlight, total) }, async () => {
      while (next < total) await task(next++);
    }),
  );
  return (performance.now() - began) / 1000;
}

function messageDocument(roomId, authorId) {
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

async function mongoBaseline(mongoUrl) {
  const client = await new MongoClient(mongoUrl).connect();
  const db = client.db('parley_bench_baseline');
  const messages = db.collection('messages');
  const outbox = db.collection('outbox');
  const room = new ObjectId();
  const author = new ObjectId();
  const options = { writeConcern: { w: 'majority', j: true } };
  for (let index = 0; index < 50; index++) await messages.insertOne(messageDocument(room, author), options);
  const one = await pool(SEQUENTIAL, 1, () => messages.insertOne(messageDocument(room, author), options));
  const many = await pool(CONCURRENT_TOTAL, IN_FLIGHT, () => messages.insertOne(messageDocument(room, author), options));
  const transactional = async () => {
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
  const txOne = await pool(SEQUENTIAL, 1, transactional);
  const txMany = await pool(CONCURRENT_TOTAL, IN_FLIGHT, transactional);
  await db.dropDatabase();
  await client.close();
  return {
    insertsPerSecondOneAtATime: SEQUENTIAL / one,
    insertsPerSecondInFlight: CONCURRENT_TOTAL / many,
    transactionsPerSecondOneAtATime: SEQUENTIAL / txOne,
    transactionsPerSecondInFlight: CONCURRENT_TOTAL / txMany,
  };
}

function connect(url, bearer) {
  const socket = io(url, { auth: { token: bearer }, transports: ['websocket'] });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** One sender, a channel of FANOUT_MEMBERS members each with a socket: delivery latency to every socket. */
async function fanOut({ call, token, realtimeUrl }) {
  const adminBearer = token('fan-admin', ['conversation', 'conversation.admin']);
  await call('GET', '/v1/conversations/me', adminBearer);
  const members = [];
  for (let index = 1; index < FANOUT_MEMBERS; index++) {
    const bearer = token(`fan-member-${index}`);
    const conversation = await call('GET', '/v1/conversations/me', bearer);
    members.push({ bearer, conversationId: conversation.id });
  }
  const channel = await call('POST', '/v1/rooms', adminBearer, { type: 'channel', name: `fan-out ${randomUUID()}`, members: members.map((member) => member.conversationId) });
  const sockets = await Promise.all([adminBearer, ...members.map((member) => member.bearer)].map((bearer) => connect(realtimeUrl, bearer)));
  const arrivals = new Map();
  for (const socket of sockets) {
    socket.on('new_message', (payload) => {
      const entry = arrivals.get(payload.message.client_message_id);
      if (entry) entry.times.push(performance.now());
    });
  }
  const perSocket = [];
  const lastSocket = [];
  for (let index = 0; index < FANOUT_MESSAGES; index++) {
    const clientMessageId = randomUUID();
    const entry = { times: [] };
    arrivals.set(clientMessageId, entry);
    const began = performance.now();
    await call('POST', `/v1/rooms/${channel.id}/messages`, adminBearer, { content: 'to everyone', clientMessageId });
    const deadline = Date.now() + 10_000;
    while (entry.times.length < sockets.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
    for (const time of entry.times) perSocket.push(time - began);
    lastSocket.push(Math.max(...entry.times) - began);
    if (entry.times.length < sockets.length) throw new Error(`fan-out: only ${entry.times.length} of ${sockets.length} sockets got a message`);
  }
  for (const socket of sockets) socket.disconnect();
  return { members: FANOUT_MEMBERS, messages: FANOUT_MESSAGES, perSocketMs: summary(perSocket), lastSocketMs: summary(lastSocket) };
}

/**
 * Seeds an account with PAGING_ROOMS rooms and PAGING_MESSAGES messages straight into MongoDB (the
 * API would take an hour at this machine's rates), then times pages through the API beside the
 * same query run on the driver.
 */
async function pagingBench({ call, token, mongoUrl }) {
  const reader = token('pager');
  const me = await call('GET', '/v1/conversations/me', reader);
  const accountId = jwt.decode(reader).account_id;
  const client = await new MongoClient(mongoUrl).connect();
  const db = client.db('parley_bench');
  const meId = new ObjectId(me.id);
  const now = Date.now();
  const rooms = [];
  for (let index = 0; index < PAGING_ROOMS; index++) {
    const other = new ObjectId();
    rooms.push({
      _id: new ObjectId(),
      account_id: accountId,
      type: 'direct',
      name: null,
      name_key: null,
      pair: [me.id, other.toHexString()].sort().join(':'),
      listing_id: null,
      members: [
        { conversation_id: meId, user_id: 'pager', last_message_read: null, joined: new Date(now), favorite: false, snoozed_until: null },
        { conversation_id: other, user_id: `other-${index}`, last_message_read: null, joined: new Date(now), favorite: false, snoozed_until: null },
      ],
      unread_count: [{ conversation_id: meId, count: index % 3, last_read_seq: 0 }, { conversation_id: other, count: 0, last_read_seq: 0 }],
      last_message_id: null,
      last_message_seq: 0,
      last_activity: new Date(now - index * 1000),
      deleted: false,
      created: new Date(now),
      updated: new Date(now),
    });
  }
  for (let offset = 0; offset < rooms.length; offset += 5000) await db.collection('conversations.rooms').insertMany(rooms.slice(offset, offset + 5000), { ordered: false });
  // Half the messages in one busy room (the paged one), the rest spread over the others.
  const busy = rooms[0];
  const busyCount = Math.floor(PAGING_MESSAGES / 2);
  let seqOfRoom = new Map();
  const batch = [];
  const flush = async () => {
    if (batch.length) await db.collection('conversations.messages').insertMany(batch.splice(0), { ordered: false });
  };
  for (let index = 0; index < PAGING_MESSAGES; index++) {
    const room = index < busyCount ? busy : rooms[1 + (index % (rooms.length - 1))];
    const seq = (seqOfRoom.get(room._id) ?? 0) + 1;
    seqOfRoom.set(room._id, seq);
    batch.push({
      account_id: accountId,
      room_id: room._id,
      seq,
      conversation_id: room.members[1].conversation_id,
      user_id: room.members[1].user_id,
      content: `message ${index} with some searchable words`,
      source: 'chat',
      attachments: [],
      client_message_id: null,
      receivers: [meId, room.members[1].conversation_id],
      deleted: false,
      deleted_by: [],
      created: new Date(now - (PAGING_MESSAGES - index) * 10),
      updated: new Date(now),
    });
    if (batch.length === 5000) await flush();
  }
  await flush();
  seqOfRoom = null;

  const time = async (task) => {
    const samples = [];
    for (let index = 0; index < PAGING_REQUESTS; index++) {
      const began = performance.now();
      await task();
      samples.push(performance.now() - began);
    }
    return summary(samples);
  };
  const roomsFirst = await call('GET', '/v1/rooms?limit=50', reader);
  const roomsFilter = { account_id: accountId, 'members.conversation_id': meId, deleted: false };
  const deepRoomsCursor = (await call('GET', `/v1/rooms?limit=50&before=${roomsFirst.next}`, reader)).next;
  const messagesFirst = await call('GET', `/v1/rooms/${busy._id.toHexString()}/messages?limit=50`, reader);
  const deepSeq = Math.floor(busyCount / 2);
  const deepMessagesCursor = Buffer.from(JSON.stringify({ s: deepSeq })).toString('base64url');
  const messagesFilter = { account_id: accountId, room_id: busy._id, receivers: meId, deleted_by: { $ne: meId } };
  const results = {
    rooms: PAGING_ROOMS,
    messages: PAGING_MESSAGES,
    roomsFirstPage: {
      api: await time(() => call('GET', '/v1/rooms?limit=50', reader)),
      mongo: await time(() => db.collection('conversations.rooms').find(roomsFilter).sort({ last_activity: -1, _id: -1 }).limit(51).toArray()),
    },
    roomsDeepPage: {
      api: await time(() => call('GET', `/v1/rooms?limit=50&before=${deepRoomsCursor}`, reader)),
      mongo: await time(() => db.collection('conversations.rooms').find({ ...roomsFilter, last_activity: { $lt: new Date(now - 100 * 1000) } }).sort({ last_activity: -1, _id: -1 }).limit(51).toArray()),
    },
    messagesFirstPage: {
      api: await time(() => call('GET', `/v1/rooms/${busy._id.toHexString()}/messages?limit=50`, reader)),
      mongo: await time(() => db.collection('conversations.messages').find(messagesFilter).sort({ seq: -1 }).limit(51).toArray()),
    },
    messagesDeepPage: {
      api: await time(() => call('GET', `/v1/rooms/${busy._id.toHexString()}/messages?limit=50&before=${deepMessagesCursor}`, reader)),
      mongo: await time(() => db.collection('conversations.messages').find({ ...messagesFilter, seq: { $lt: deepSeq } }).sort({ seq: -1 }).limit(51).toArray()),
    },
  };
  if (roomsFirst.data.length !== 50 || messagesFirst.data.length !== 50) throw new Error('paging: the API did not return full pages');
  await client.close();
  return results;
}

async function main() {
  ensureDependencies();
  await build();
  const runDir = join(ROOT, '.run', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  step('starting Kafka, MongoDB and Redis on fresh data');
  const infrastructure = await startInfrastructure({ runDir, env: {}, log: (line) => process.stderr.write(`[infra] ${line}\n`) });
  const ports = {};
  for (const app of Object.keys(APPS)) ports[app] = await freePort();
  const secret = randomBytes(32).toString('hex');
  const state = {
    runDir,
    ports,
    pids: {},
    env: {
      NODE_ENV: 'production',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      MONGO_URL: infrastructure.mongoUrl,
      MONGO_DB: 'parley_bench',
      KAFKA_BROKERS: infrastructure.kafkaBrokers,
      REDIS_URL: infrastructure.redisUrl,
      JWT_SECRET: secret,
      // The benchmark is one user sending thousands of requests: the per-user limit would measure itself.
      RATE_LIMIT_POINTS: '100000000',
      ...(process.env.KAFKA_MAX_WAIT_MS ? { KAFKA_MAX_WAIT_MS: process.env.KAFKA_MAX_WAIT_MS } : {}),
      ...(process.env.KAFKA_PARTITIONS ? { KAFKA_PARTITIONS: process.env.KAFKA_PARTITIONS } : {}),
    },
  };
  const children = [];
  try {
    step('starting the six apps');
    for (const app of Object.keys(APPS)) children.push([app, spawnApp(state, app)]);
    await Promise.all(children.map(([app, child]) => waitHealthy(state, app, { child })));

    step(`baseline: raw MongoDB inserts (${SEQUENTIAL} one at a time, ${CONCURRENT_TOTAL} with ${IN_FLIGHT} in flight)`);
    const baseline = await mongoBaseline(infrastructure.mongoUrl);

    const gateway = `http://127.0.0.1:${ports.gateway}`;
    const account = `bench-${randomUUID()}`;
    const token = (sub, scopes = ['conversation']) => jwt.sign({ sub, account_id: account, scopes }, secret, { algorithm: 'HS256', expiresIn: '1h' });
    const call = async (method, path, bearer, body) => {
      const response = await fetch(`${gateway}${path}`, {
        method,
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return response.json();
    };
    // Bob talks with one sender per message in flight, each in a room of their own, as a busy
    // account would: rooms spread over partitions, and messages of one room stay in order.
    const bob = token('bob');
    const bobConversation = await call('GET', '/v1/conversations/me', bob);
    const senders = [];
    for (let index = 0; index < IN_FLIGHT; index++) {
      const sender = token(`sender-${index}`);
      await call('GET', '/v1/conversations/me', sender);
      const room = await call('POST', '/v1/rooms', sender, { type: 'direct', member: bobConversation.id });
      senders.push({ token: sender, roomId: room.id });
    }

    const socket = io(`http://127.0.0.1:${ports.realtime}`, { auth: { token: bob }, transports: ['websocket'] });
    await new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const waiting = new Map();
    socket.on('new_message', (payload) => {
      const resolve = waiting.get(payload.message.client_message_id);
      if (resolve) resolve(performance.now());
    });

    const sendOne = async (sendSamples, deliverySamples, sender = senders[0]) => {
      const clientMessageId = randomUUID();
      const delivered = new Promise((resolve) => waiting.set(clientMessageId, resolve));
      const began = performance.now();
      await call('POST', `/v1/rooms/${sender.roomId}/messages`, sender.token, { content: 'benchmark message with a little text in it', clientMessageId });
      sendSamples.push(performance.now() - began);
      deliverySamples.push((await delivered) - began);
      waiting.delete(clientMessageId);
    };

    step('warming up');
    await pool(50, 1, () => sendOne([], []));

    step(`sending ${SEQUENTIAL} messages one at a time`);
    const sequentialSend = [];
    const sequentialDelivery = [];
    const sequentialSeconds = await pool(SEQUENTIAL, 1, () => sendOne(sequentialSend, sequentialDelivery));

    step(`sending ${CONCURRENT_TOTAL} messages, ${IN_FLIGHT} in flight, each sender in a room of their own`);
    const concurrentSend = [];
    const concurrentDelivery = [];
    const cpuBefore = cpuOfApps(children);
    const concurrentSeconds = await pool(CONCURRENT_TOTAL, IN_FLIGHT, (index) =>
      sendOne(concurrentSend, concurrentDelivery, senders[index % senders.length]),
    );
    const cpuAfter = cpuOfApps(children);
    const cpuMsPerMessage = Object.fromEntries(
      Object.keys(cpuBefore).map((app) => [app, ((cpuAfter[app] - cpuBefore[app]) * 1000) / CONCURRENT_TOTAL]),
    );
    socket.disconnect();

    // A count of 0 skips a section (BENCH_FANOUT_MESSAGES=0, BENCH_PAGING_ROOMS=0), e.g. while profiling sends.
    let fanout = null;
    if (FANOUT_MESSAGES > 0) {
      step(`fan-out: ${FANOUT_MESSAGES} messages to a ${FANOUT_MEMBERS}-member channel, every member connected`);
      fanout = await fanOut({ call, token, realtimeUrl: `http://127.0.0.1:${ports.realtime}` });
    }

    let paging = null;
    if (PAGING_ROOMS > 0 && PAGING_MESSAGES > 0) {
      step(`paging with ${PAGING_ROOMS} rooms and ${PAGING_MESSAGES} messages in the account`);
      paging = await pagingBench({ call, token, mongoUrl: infrastructure.mongoUrl });
    }

    const results = {
      when: new Date().toISOString(),
      settings: { sequential: SEQUENTIAL, concurrent: CONCURRENT_TOTAL, inFlight: IN_FLIGHT },
      baseline,
      sequential: {
        messagesPerSecond: SEQUENTIAL / sequentialSeconds,
        sendMs: summary(sequentialSend),
        deliveryMs: summary(sequentialDelivery),
      },
      concurrent: {
        messagesPerSecond: CONCURRENT_TOTAL / concurrentSeconds,
        sendMs: summary(concurrentSend),
        deliveryMs: summary(concurrentDelivery),
        cpuMsPerMessage,
      },
      fanout,
      paging,
    };
    printTable(results);
    const outDir = join(ROOT, 'bench', 'results');
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `bench-${results.when.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(results, null, 2));
    console.log(`\nresults written to ${file}`);
  } finally {
    await Promise.all(children.map(([, child]) => stopPid(child.pid)));
    await infrastructure.stop();
  }
}

function printTable(results) {
  const { baseline, sequential, concurrent } = results;
  const fmt = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
  const rows = [
    ['MongoDB insertOne (w:majority, j), 1 in flight', `${fmt(baseline.insertsPerSecondOneAtATime, 0)}/s`, '', '', '1.00'],
    [`MongoDB insertOne, ${results.settings.inFlight} in flight`, `${fmt(baseline.insertsPerSecondInFlight, 0)}/s`, '', '', '1.00'],
    ['MongoDB txn message+outbox, 1 in flight', `${fmt(baseline.transactionsPerSecondOneAtATime, 0)}/s`, '', '', fmt(baseline.transactionsPerSecondOneAtATime / baseline.insertsPerSecondOneAtATime, 2)],
    [`MongoDB txn message+outbox, ${results.settings.inFlight} in flight`, `${fmt(baseline.transactionsPerSecondInFlight, 0)}/s`, '', '', fmt(baseline.transactionsPerSecondInFlight / baseline.insertsPerSecondInFlight, 2)],
    ['Parley send (HTTP 201), 1 in flight', `${fmt(sequential.messagesPerSecond, 0)}/s`, `${fmt(sequential.sendMs.p50)} / ${fmt(sequential.sendMs.p95)} / ${fmt(sequential.sendMs.p99)}`, '', fmt(sequential.messagesPerSecond / baseline.insertsPerSecondOneAtATime, 2)],
    ['Parley delivery (socket), 1 in flight', '', `${fmt(sequential.deliveryMs.p50)} / ${fmt(sequential.deliveryMs.p95)} / ${fmt(sequential.deliveryMs.p99)}`, '', ''],
    [`Parley send (HTTP 201), ${results.settings.inFlight} in flight`, `${fmt(concurrent.messagesPerSecond, 0)}/s`, `${fmt(concurrent.sendMs.p50)} / ${fmt(concurrent.sendMs.p95)} / ${fmt(concurrent.sendMs.p99)}`, '', fmt(concurrent.messagesPerSecond / baseline.insertsPerSecondInFlight, 2)],
    [`Parley delivery (socket), ${results.settings.inFlight} in flight`, '', `${fmt(concurrent.deliveryMs.p50)} / ${fmt(concurrent.deliveryMs.p95)} / ${fmt(concurrent.deliveryMs.p99)}`, '', ''],
  ];
  const header = ['what', 'rate', 'p50 / p95 / p99 ms', '', 'rate ÷ baseline'];
  const widths = header.map((_, column) => Math.max(header[column].length, ...rows.map((row) => row[column].length)));
  const line = (row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ');
  console.log(`\n${line(header)}\n${widths.map((width) => '-'.repeat(width)).join('  ')}`);
  for (const row of rows) console.log(line(row));
  const { fanout, paging } = results;
  if (fanout) {
    console.log(`\nfan-out to ${fanout.members} sockets of one channel, ${fanout.messages} messages one at a time (ms, p50 / p95 / p99):`);
    console.log(`  each socket   ${fmt(fanout.perSocketMs.p50)} / ${fmt(fanout.perSocketMs.p95)} / ${fmt(fanout.perSocketMs.p99)}`);
    console.log(`  last socket   ${fmt(fanout.lastSocketMs.p50)} / ${fmt(fanout.lastSocketMs.p95)} / ${fmt(fanout.lastSocketMs.p99)}`);
  }
  if (paging) {
    console.log(`\npaging with ${paging.rooms} rooms and ${paging.messages} messages (ms, p50 / p95 / p99; API vs the same MongoDB query):`);
    for (const name of ['roomsFirstPage', 'roomsDeepPage', 'messagesFirstPage', 'messagesDeepPage']) {
      const { api, mongo } = paging[name];
      console.log(`  ${name.padEnd(18)} API ${fmt(api.p50)} / ${fmt(api.p95)} / ${fmt(api.p99)}   MongoDB ${fmt(mongo.p50)} / ${fmt(mongo.p95)} / ${fmt(mongo.p99)}   p50 ratio ${fmt(api.p50 / mongo.p50, 1)}`);
    }
  }
  const cpu = Object.entries(concurrent.cpuMsPerMessage).map(([app, ms]) => `${app} ${fmt(ms, 2)}`).join(', ');
  console.log(`\nCPU ms per message while ${results.settings.inFlight} were in flight: ${cpu}`);
}

main().catch((error) => {
  console.error(`✖ bench failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
