// Paging: an account with many rooms and messages, pages through the API beside the same query on
// the driver.
import { performance } from 'node:perf_hooks';
import jwt from 'jsonwebtoken';
import { MongoClient, ObjectId } from 'mongodb';
import { summary } from '../lib/stats.mjs';

/**
 * Seeds an account with PAGING_ROOMS rooms and PAGING_MESSAGES messages straight into MongoDB (the
 * API would take an hour at this machine's rates), then times pages through the API beside the
 * same query run on the driver.
 */
export async function pagingBench({ call, token, mongoUrl, rooms: PAGING_ROOMS, messages: PAGING_MESSAGES, requests: PAGING_REQUESTS }) {
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

  /**
   * Times the API and the same MongoDB query one after the other, request by request, so that both
   * see the same moment of the system. A slow API series here is the apps', not mongod's: after the
   * earlier phases rooms may still be applying an event backlog, and a command waits behind event
   * batches (up to their 250 ms budget) since kafkajs fetches again only once a fetch's batches are
   * done (the first page of rooms read 246 ms p50 after the m2m phase, 12 ms in a paging-only run).
   */
  const timePair = async (api, mongo) => {
    const samples = { api: [], mongo: [] };
    for (let index = 0; index < PAGING_REQUESTS; index++) {
      for (const [name, task] of index % 2 === 0 ? [['api', api], ['mongo', mongo]] : [['mongo', mongo], ['api', api]]) {
        const began = performance.now();
        await task();
        samples[name].push(performance.now() - began);
      }
    }
    return { api: summary(samples.api), mongo: summary(samples.mongo) };
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
    roomsFirstPage: await timePair(
      () => call('GET', '/v1/rooms?limit=50', reader),
      () => db.collection('conversations.rooms').find(roomsFilter).sort({ last_activity: -1, _id: -1 }).limit(51).toArray(),
    ),
    roomsDeepPage: await timePair(
      () => call('GET', `/v1/rooms?limit=50&before=${deepRoomsCursor}`, reader),
      () => db.collection('conversations.rooms').find({ ...roomsFilter, last_activity: { $lt: new Date(now - 100 * 1000) } }).sort({ last_activity: -1, _id: -1 }).limit(51).toArray(),
    ),
    messagesFirstPage: await timePair(
      () => call('GET', `/v1/rooms/${busy._id.toHexString()}/messages?limit=50`, reader),
      () => db.collection('conversations.messages').find(messagesFilter).sort({ seq: -1 }).limit(51).toArray(),
    ),
    messagesDeepPage: await timePair(
      () => call('GET', `/v1/rooms/${busy._id.toHexString()}/messages?limit=50&before=${deepMessagesCursor}`, reader),
      () => db.collection('conversations.messages').find({ ...messagesFilter, seq: { $lt: deepSeq } }).sort({ seq: -1 }).limit(51).toArray(),
    ),
  };
  if (roomsFirst.data.length !== 50 || messagesFirst.data.length !== 50) throw new Error('paging: the API did not return full pages');
  await client.close();
  return results;
}
