import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { ObjectId } from 'mongodb';
import type { Socket } from 'socket.io-client';
import { api, closeStores, collect, connectSocket, database, eventually, findOnTopic, mintToken, newAccountId, newMember, publish, restartApp, type TestMember } from '@parley/testing';

/** A buyer and a seller of one account with a listing thread, and a service token of the account. */
async function marketplace(): Promise<{ accountId: string; buyer: TestMember; seller: TestMember; threadId: string; service: string }> {
  const accountId = newAccountId();
  const [buyer, seller] = [await newMember(accountId), await newMember(accountId)];
  const thread = await api('POST', '/v1/rooms', { token: buyer.token, body: { type: 'listing', member: seller.conversationId, listing_id: `l-${Date.now()}` } });
  const service = mintToken({ sub: 'listing-service', account_id: accountId, scopes: ['conversation.m2m'] });
  return { accountId, buyer, seller, threadId: thread.body.id, service };
}

function m2m(token: string, path: string, body: unknown) {
  return api('POST', `/m2m/conversationmessage/${path}`, { token, body });
}

describe('machine-to-machine message endpoints', () => {
  const sockets: Socket[] = [];
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  afterAll(closeStores);

  it('creates a message for a service that reaches the receiver\'s sockets and unread count, in the seed\'s vocabulary', async () => {
    const { buyer, seller, threadId, service } = await marketplace();
    const socket = await connectSocket(seller.token);
    sockets.push(socket);
    const pushed = collect(socket, 'new_message');
    const created = await m2m(service, 'create', { data: { conversationThreadId: threadId, senderId: buyer.userId, receiverId: seller.userId, content: 'Is the bike still for sale?' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      conversationThreadId: threadId,
      senderId: buyer.userId,
      receiverId: seller.userId,
      content: 'Is the bike still for sale?',
      isRead: false,
      readAt: null,
      isActive: true,
    });
    await eventually(() => pushed, (messages) => messages.some((push) => push.message.id === created.body.id), 'new_message on the seller\'s socket');
    await eventually(() => api('GET', `/v1/rooms/${threadId}`, { token: seller.token }), (room) => room.body.unread_count === 1, 'one unread');
  });

  it('refuses a user token without the m2m scope (403), a sender outside the thread (422) and an empty body (400)', async () => {
    const { buyer, seller, threadId, service, accountId } = await marketplace();
    const stranger = await newMember(accountId);
    const data = { conversationThreadId: threadId, senderId: buyer.userId, receiverId: seller.userId, content: 'hi' };
    expect((await m2m(buyer.token, 'create', { data })).status).toBe(403);
    const outsider = await m2m(service, 'create', { data: { ...data, senderId: stranger.userId } });
    expect(outsider.status).toBe(422);
    expect(outsider.body.details.map((detail: { field: string }) => detail.field)).toContain('data.senderId');
    expect((await m2m(service, 'bulk-create', { dataList: [] })).status).toBe(400);
    expect((await m2m(service, 'update-by-query', { query: {}, dataClause: { isRead: true } })).status).toBe(400);
  });

  it('creates a bulk all together or not at all, listing every bad item (a 400 when one is malformed), and refuses more than the batch limit with 413', async () => {
    const { accountId, buyer, seller, threadId, service } = await marketplace();
    const good = (index: number) => ({ conversationThreadId: threadId, senderId: buyer.userId, receiverId: seller.userId, content: `offer ${index}` });
    const refused = await m2m(service, 'bulk-create', { dataList: [good(1), { ...good(2), receiverId: buyer.userId }, { ...good(3), content: '' }] });
    expect(refused.status).toBe(400);
    expect(refused.body.details.map((detail: { field: string }) => detail.field)).toEqual(['dataList.2.content', 'dataList.1.receiverId']);
    const db = await database();
    expect(await db.collection('conversations.messages').countDocuments({ account_id: accountId })).toBe(0);
    const created = await m2m(service, 'bulk-create', { dataList: [good(1), good(2), good(3)] });
    expect(created.status).toBe(201);
    expect(created.body.map((message: { content: string }) => message.content)).toEqual(['offer 1', 'offer 2', 'offer 3']);
    const tooMany = await m2m(service, 'bulk-create', { dataList: Array.from({ length: 1001 }, (_, index) => good(index)) });
    expect(tooMany.status).toBe(413);
    expect(await db.collection('conversations.messages').countDocuments({ account_id: accountId })).toBe(3);
  });

  it('stores a create once for every retry with one Idempotency-Key, answering what the first stored; the key with other messages is a 409, a malformed one a 400', async () => {
    const { buyer, seller, threadId, service } = await marketplace();
    const item = (content: string) => ({ conversationThreadId: threadId, senderId: buyer.userId, receiverId: seller.userId, content });
    const keyed = (key: string, path: string, body: unknown) => api('POST', `/m2m/conversationmessage/${path}`, { token: service, body, headers: { 'idempotency-key': key } });
    const first = await keyed('order-42/messages', 'bulk-create', { dataList: [item('one'), item('two')] });
    expect(first.status).toBe(201);
    const retried = await keyed('order-42/messages', 'bulk-create', { dataList: [item('one'), item('two')] });
    expect([retried.status, retried.body.map((message: { id: string }) => message.id)]).toEqual([201, first.body.map((message: { id: string }) => message.id)]);
    const other = await keyed('order-42/messages', 'bulk-create', { dataList: [item('three'), item('four')] });
    expect([other.status, other.body.code, other.body.details?.[0]?.field]).toEqual([409, 'CONFLICT', 'Idempotency-Key']);
    const single = await keyed('order-42/note', 'create', { data: item('five') });
    const singleAgain = await keyed('order-42/note', 'create', { data: item('five') });
    expect([single.status, singleAgain.status, singleAgain.body.id]).toEqual([201, 201, single.body.id]);
    const malformed = await keyed('has a space', 'create', { data: item('six') });
    expect([malformed.status, malformed.body.details?.[0]?.field]).toEqual([400, 'Idempotency-Key']);
    const db = await database();
    const stored = await db.collection('conversations.messages').find({ room_id: new ObjectId(threadId) }).sort({ seq: 1 }).toArray();
    expect(stored.map((message) => message.content)).toEqual(['one', 'two', 'five']);
  });

  it('updates read state (the sender gets read_receipt), refuses constant fields naming them, and soft-deletes', async () => {
    const { buyer, seller, threadId, service } = await marketplace();
    const socket = await connectSocket(buyer.token);
    sockets.push(socket);
    const receipts = collect(socket, 'read_receipt');
    const created = (await m2m(service, 'create', { data: { conversationThreadId: threadId, senderId: buyer.userId, receiverId: seller.userId, content: 'hello' } })).body;
    const constant = await m2m(service, `update/${created.id}`, { dataClause: { content: 'rewritten' } });
    expect(constant.status).toBe(400);
    expect(constant.body.details[0].field).toBe('dataClause.content');
    const read = await m2m(service, `update/${created.id}`, { dataClause: { isRead: true } });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: created.id, isRead: true, readAt: expect.any(String) });
    await eventually(() => receipts, (pushes) => pushes.some((push) => push.message_id === created.id && push.conversation_id === seller.conversationId), 'read_receipt to the sender');
    const deleted = await api('POST', `/m2m/conversationmessage/delete/${created.id}`, { token: service });
    expect(deleted.body).toMatchObject({ id: created.id, isActive: false, content: '' });
    expect((await api('POST', '/m2m/conversationmessage/delete/0123456789abcdef01234567', { token: service })).status).toBe(404);
  });

  it('moves the receiver\'s unread count with a service\'s read marks, as their own read mark would, and pushes it to them', async () => {
    const { buyer, seller, threadId, service } = await marketplace();
    const dataList = [1, 2, 3].map((index) => ({ conversationThreadId: threadId, senderId: buyer.userId, receiverId: seller.userId, content: `question ${index}` }));
    const created = (await m2m(service, 'bulk-create', { dataList })).body;
    const unread = async () => (await api('GET', `/v1/rooms/${threadId}`, { token: seller.token })).body.unread_count;
    await eventually(unread, (count) => count === 3, 'three unread for the seller');
    const socket = await connectSocket(seller.token);
    sockets.push(socket);
    const updates = collect(socket, 'room_updated');

    // The answer comes once the count has moved.
    expect((await m2m(service, `update/${created[1].id}`, { dataClause: { isRead: true } })).status).toBe(200);
    expect(await unread()).toBe(1);
    await eventually(() => updates, (pushed) => pushed.some((update) => update.room_id === threadId && update.unread_count === 1), 'room_updated to the seller');
    // A read mark never moves back: marking the first read now leaves the third unread.
    expect((await m2m(service, `update/${created[0].id}`, { dataClause: { isRead: true } })).status).toBe(200);
    expect(await unread()).toBe(1);
    const all = await m2m(service, 'update-by-query', { query: { conversationThreadId: threadId, isRead: false }, dataClause: { isRead: true } });
    expect(all.body).toEqual({ matched: 1, modified: 1 });
    expect(await unread()).toBe(0);
    expect((await api('GET', `/v1/rooms/${threadId}`, { token: buyer.token })).body.unread_count).toBe(0);

    // Marked unread, a message takes the reader's read mark back to before it (as Stream's mark-unread): it and those after count again.
    expect((await m2m(service, `update/${created[1].id}`, { dataClause: { isRead: false } })).status).toBe(200);
    expect(await unread()).toBe(2);
    await eventually(() => updates, (pushed) => pushed.some((update) => update.room_id === threadId && update.unread_count === 2), 'room_updated with 2 to the seller');
    const sellerMember = (await api('GET', `/v1/rooms/${threadId}`, { token: seller.token })).body.members.find((member: { user_id: string }) => member.user_id === seller.userId);
    expect(sellerMember.last_message_read).toBe(created[0].id);
  });

  it('refuses a read time a message cannot have with 422 naming readAt, and changes nothing', async () => {
    const { buyer, seller, threadId, service } = await marketplace();
    const created = (await m2m(service, 'create', { data: { conversationThreadId: threadId, senderId: buyer.userId, receiverId: seller.userId, content: 'still for sale?' } })).body;
    for (const dataClause of [
      { isRead: true, readAt: '1970-01-01T00:00:00Z' },
      { isRead: true, readAt: '2099-01-01T00:00:00Z' },
      { isRead: false, readAt: new Date().toISOString() },
      { readAt: new Date().toISOString() },
    ]) {
      const refused = await m2m(service, `update/${created.id}`, { dataClause });
      expect([refused.status, refused.body.details?.[0]?.field]).toEqual([422, 'dataClause.readAt']);
    }
    const stored = await (await database()).collection('conversations.messages').findOne({ _id: new ObjectId(created.id) });
    expect(stored).toMatchObject({ is_read: false, read_at: null });

    const read = await m2m(service, `update/${created.id}`, { dataClause: { isRead: true } });
    const again = await m2m(service, 'update-by-id-list', { idList: [created.id], dataClause: { isRead: true } });
    expect(again.body).toEqual({ matched: 1, modified: 0 });
    expect((await m2m(service, `update/${created.id}`, { dataClause: { isRead: true } })).body.readAt).toBe(read.body.readAt);
  });

  it('keeps a message its author deleted for everyone deleted: a service reactivating it is a 409, and one it deactivated itself comes back', async () => {
    const { buyer, seller, threadId, service } = await marketplace();
    const [byUser, byService] = (
      await m2m(service, 'bulk-create', {
        dataList: ['mine to take back', 'moderated'].map((content) => ({ conversationThreadId: threadId, senderId: buyer.userId, receiverId: seller.userId, content })),
      })
    ).body;
    expect((await api('DELETE', `/v1/messages/${byUser.id}?for=everyone`, { token: buyer.token })).status).toBe(204);
    const revived = await m2m(service, `update/${byUser.id}`, { dataClause: { isActive: true } });
    expect([revived.status, revived.body.details?.[0]?.field]).toEqual([409, 'dataClause.isActive']);
    expect(JSON.stringify(revived.body)).not.toContain('mine to take back');
    const seen = (await api('GET', `/v1/rooms/${threadId}/messages`, { token: seller.token })).body.data.find((message: { id: string }) => message.id === byUser.id);
    expect(seen).toMatchObject({ deleted: true, content: '' });

    expect((await api('POST', `/m2m/conversationmessage/delete/${byService.id}`, { token: service })).status).toBe(200);
    const unread = async () => (await api('GET', `/v1/rooms/${threadId}`, { token: seller.token })).body.unread_count;
    await eventually(unread, (count) => count === 0, 'both deleted messages out of the seller\'s count');
    const back = await m2m(service, `update/${byService.id}`, { dataClause: { isActive: true } });
    expect(back.body).toMatchObject({ isActive: true, content: 'moderated' });
    // Back and unread: the answer comes once the seller's count has it again.
    expect(await unread()).toBe(1);
  });

  it('takes queries as a whitelist: operators and unknown fields are 400, and another account\'s thread changes nothing', async () => {
    const { buyer, seller, threadId, service } = await marketplace();
    const other = await marketplace();
    const theirs = (await m2m(other.service, 'create', { data: { conversationThreadId: other.threadId, senderId: other.buyer.userId, receiverId: other.seller.userId, content: 'theirs' } })).body;
    await m2m(service, 'bulk-create', {
      dataList: [1, 2].map((index) => ({ conversationThreadId: threadId, senderId: buyer.userId, receiverId: seller.userId, content: `mine ${index}` })),
    });
    for (const query of [{ $where: 'true' }, { content: { $regex: '.*' } }, { account_id: other.accountId }, { isRead: { $ne: true } }]) {
      const refused = await m2m(service, 'update-by-query', { query, dataClause: { isRead: true } });
      expect(refused.status).toBe(400);
    }
    const crossAccount = await m2m(service, 'update-by-query', { query: { conversationThreadId: other.threadId }, dataClause: { isActive: false } });
    expect(crossAccount.body).toEqual({ matched: 0, modified: 0 });
    const byId = await m2m(service, 'update-by-id-list', { idList: [theirs.id], dataClause: { isRead: true } });
    expect(byId.body).toEqual({ matched: 0, modified: 0 });
    const stored = await (await database()).collection('conversations.messages').findOne({ content: 'theirs', account_id: other.accountId });
    expect(stored).toMatchObject({ deleted: false, is_read: false });

    const mine = await m2m(service, 'update-by-query', { query: { conversationThreadId: threadId, senderId: { $in: [buyer.userId] } }, dataClause: { isRead: true } });
    expect(mine.body).toEqual({ matched: 2, modified: 2 });
    const gone = await m2m(service, 'delete-by-query', { query: { conversationThreadId: threadId } });
    expect(gone.body).toEqual({ matched: 2, modified: 2 });
  });
});

describe('machine-to-machine writes at volume', () => {
  afterAll(closeStores);

  it('gets every event of a full bulk (1000 messages, a megabyte of events) to Kafka at once: the receiver counts all of them unread, the room announced a run at a time', async () => {
    const { buyer, seller, threadId, service } = await marketplace();
    const dataList = Array.from({ length: 1000 }, (_, index) => ({ conversationThreadId: threadId, senderId: buyer.userId, receiverId: seller.userId, content: `bulk ${index}: a message with a little text in it` }));
    expect((await m2m(service, 'bulk-create', { dataList })).status).toBe(201);
    const db = await database();
    // Published right after the commit, not left to the sweep: Kafka refused the lot as one record batch over its 1 MB limit.
    await eventually(
      () => db.collection('messaging.outbox').countDocuments({ 'envelope.type': 'parley.message.created', 'envelope.key': threadId, published_at: null }),
      (unsent) => unsent === 0,
      'the bulk’s events marked sent',
      2500,
    );
    const room = await eventually(() => api('GET', `/v1/rooms/${threadId}`, { token: seller.token }), (read) => read.body.unread_count === 1000, 'the seller’s unread count');
    expect(room.body.unread_count).toBe(1000);
    // rooms takes the thread's events as runs (as many as a fetch brings), each one update and one
    // room.updated: a thousand one after the other took 8-10 s and pushed 1000 room_updated.
    const announced = await db.collection('rooms.outbox').countDocuments({ 'envelope.type': 'parley.room.updated', 'envelope.key': threadId });
    expect(announced).toBeGreaterThan(0);
    expect(announced).toBeLessThan(100);
  });

  it('stores a bulk once and counts it once when messaging dies between its commit and its publish, however its events then come', async () => {
    const { seller, threadId, buyer, service } = await marketplace();
    const socket = await connectSocket(seller.token);
    try {
      const pushes = collect(socket, 'new_message');
      const doomed = await restartApp('messaging', { PARLEY_FAILPOINT: 'outbox.before-publish' });
      const exited = new Promise((resolve) => doomed.once('exit', resolve));
      const dataList = Array.from({ length: 60 }, (_, index) => ({ conversationThreadId: threadId, senderId: buyer.userId, receiverId: seller.userId, content: `crash ${index}` }));
      const sent = await m2m(service, 'bulk-create', { dataList });
      // The answer may or may not have left before the process died.
      expect([201, 504]).toContain(sent.status);
      await exited;
      const db = await database();
      const stored = () => db.collection('conversations.messages').find({ room_id: new ObjectId(threadId) }).sort({ seq: 1 }).toArray();
      const bulk = await stored();
      expect(bulk.map((message) => message.seq)).toEqual(dataList.map((_, index) => index + 1));
      const ids = bulk.map((message) => message._id.toHexString());

      await restartApp(
        'messaging',
        {},
        {
          whileStopped: async () => {
            // The bulk's last event comes first: rooms moves the thread to seq 60 with 59 of its messages not counted yet.
            const last = await db.collection('messaging.outbox').findOne({ 'envelope.data.message.id': ids[59] });
            expect(last?.published_at).toBeNull();
            await publish('parley.message.created', [{ key: threadId, value: JSON.stringify(last?.envelope) }]);
            await eventually(() => api('GET', `/v1/rooms/${threadId}`, { token: seller.token }), (room) => room.body.last_message_id === ids[59], 'the last message applied first');
            // A read mark now counts the seller's unread from the stored messages: the 50 after the 10th.
            const read = await api('POST', `/v1/rooms/${threadId}/read`, { token: seller.token, body: { messageId: ids[9] } });
            expect([read.status, read.body.unread_count]).toEqual([200, 50]);
          },
        },
      );
      // The sweep sends the bulk's events in the order they were written; the one sent by hand is pushed once.
      await eventually(() => pushes.length, (count) => count === 60, 'every message pushed');
      expect(pushes.map((push) => push.message.id)).toEqual([ids[59], ...ids.slice(0, 59)]);
      // Once rooms has applied all 60 events, the 49 that came after the read mark were in its count already.
      const events = await db.collection('messaging.outbox').find({ 'envelope.type': 'parley.message.created', 'envelope.key': threadId }).toArray();
      const applied = events.map((entry) => `rooms.message-created:${entry._id}`);
      await eventually(() => db.collection('rooms.processed_events').countDocuments({ _id: { $in: applied as never[] } }), (count) => count === 60, 'rooms applied every event');
      expect((await api('GET', `/v1/rooms/${threadId}`, { token: seller.token })).body.unread_count).toBe(50);

      // The bulk command handed to messaging again, as Kafka does when its offset was not committed before a crash.
      const command = await findOnTopic('messaging.commands', (message) => message.headers['parley-pattern'] === 'messaging.m2m-message.bulk-create' && message.value.includes(`crash 59`) && message.value.includes(threadId));
      await publish('messaging.commands', [{ key: command.key, value: command.value, headers: command.headers }]);
      // Commands of one key run in order: a later bulk of the account answered means the replayed one was handled.
      expect((await m2m(service, 'bulk-create', { dataList: [{ ...dataList[0], content: 'after the replay' }] })).status).toBe(201);
      expect((await stored()).map((message) => message.content)).toEqual([...dataList.map((item) => item.content), 'after the replay']);
    } finally {
      socket.disconnect();
    }
  });

  it('marks 500 messages read by query in one call, and their read receipts follow through the outbox', async () => {
    const { buyer, seller, threadId, service } = await marketplace();
    const dataList = Array.from({ length: 500 }, (_, index) => ({ conversationThreadId: threadId, senderId: buyer.userId, receiverId: seller.userId, content: `bulk ${index}` }));
    expect((await m2m(service, 'bulk-create', { dataList })).status).toBe(201);
    const updated = await m2m(service, 'update-by-query', { query: { conversationThreadId: threadId, isRead: false }, dataClause: { isRead: true } });
    expect(updated.body).toEqual({ matched: 500, modified: 500 });
    const db = await database();
    await eventually(
      () => db.collection('messaging.outbox').countDocuments({ 'envelope.type': 'parley.room.read', 'envelope.key': threadId, published_at: { $type: 'date' } }),
      (published) => published === 500,
      '500 read events published',
    );
  });
});

describe('machine-to-machine thread endpoints', () => {
  afterAll(closeStores);

  function threads(token: string, path: string, body: unknown) {
    return api('POST', `/m2m/conversationthread/${path}`, { token, body });
  }

  it('creates a thread of two users about a listing (making their conversations), 409 for a second of the same listing and pair', async () => {
    const accountId = newAccountId();
    const service = mintToken({ sub: 'listing-service', account_id: accountId, scopes: ['conversation.m2m'] });
    const listingId = `l-${Date.now()}`;
    const created = await threads(service, 'create', { data: { listingId, participantIds: ['buyer-1', 'seller-1'] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ listingId, participantIds: ['buyer-1', 'seller-1'], isActive: true, lastMessageAt: null });
    const again = await threads(service, 'create', { data: { listingId, senderId: 'seller-1', receiverId: 'buyer-1' } });
    expect(again.status).toBe(409);
    const sameOne = await threads(service, 'create', { data: { listingId, participantIds: ['buyer-1', 'buyer-1'] } });
    expect(sameOne.status).toBe(422);
    // The users can use it at once through the user API.
    const buyer = mintToken({ sub: 'buyer-1', account_id: accountId });
    expect((await api('GET', `/v1/rooms/${created.body.id}`, { token: buyer })).body).toMatchObject({ type: 'listing', listing_id: listingId });
    const message = await api('POST', '/m2m/conversationmessage/create', {
      token: service,
      body: { data: { conversationThreadId: created.body.id, senderId: 'buyer-1', receiverId: 'seller-1', content: 'hi' } },
    });
    expect(message.status).toBe(201);
  });

  it('creates threads in bulk all or nothing, refuses constant fields, and deactivates by id, query and id list within the account only', async () => {
    const accountId = newAccountId();
    const service = mintToken({ sub: 'listing-service', account_id: accountId, scopes: ['conversation.m2m'] });
    const other = mintToken({ sub: 'listing-service', account_id: newAccountId(), scopes: ['conversation.m2m'] });
    const listingId = `l-${Date.now()}`;
    const bad = await threads(service, 'bulk-create', { dataList: [{ listingId, participantIds: ['a', 'b'] }, { listingId, participantIds: ['a', 'b'] }] });
    expect(bad.status).toBe(409);
    expect(bad.body.details.map((detail: { field: string }) => detail.field)).toEqual(['dataList.1.listingId']);
    const made = await threads(service, 'bulk-create', { dataList: [{ listingId, participantIds: ['a', 'b'] }, { listingId, participantIds: ['a', 'c'] }] });
    expect(made.status).toBe(201);
    const [first, second] = made.body;
    expect((await threads(service, `update/${first.id}`, { dataClause: { listingId: 'other' } })).body.details[0].field).toBe('dataClause.listingId');
    expect((await threads(other, `update/${first.id}`, { dataClause: { isActive: false } })).status).toBe(404);
    expect((await threads(other, 'delete-by-query', { query: { listingId } })).body).toEqual({ matched: 0, modified: 0 });
    expect((await threads(service, 'update-by-query', { query: { $or: [{ listingId }] }, dataClause: { isActive: false } })).status).toBe(400);
    expect((await api('POST', `/m2m/conversationthread/delete/${first.id}`, { token: service })).body).toMatchObject({ id: first.id, isActive: false });
    expect((await threads(service, 'update-by-id-list', { idList: [first.id, second.id], dataClause: { isActive: false } })).body).toEqual({ matched: 2, modified: 1 });
    expect((await threads(service, 'update-by-id-list', { idList: Array.from({ length: 1001 }, () => first.id), dataClause: { isActive: true } })).status).toBe(413);
    expect((await threads(service, 'update-by-query', { query: { listingId, participantIds: 'c' }, dataClause: { isActive: true } })).body).toEqual({ matched: 1, modified: 1 });
  });

  it('answers a user opening a thread a service closed with 409 naming listing_id, and the thread again once reactivated', async () => {
    const { buyer, seller, threadId, service } = await marketplace();
    const listingId = (await api('GET', `/v1/rooms/${threadId}`, { token: buyer.token })).body.listing_id;
    expect((await threads(service, `update/${threadId}`, { dataClause: { isActive: false } })).status).toBe(200);
    const closed = await api('POST', '/v1/rooms', { token: buyer.token, body: { type: 'listing', member: seller.conversationId, listing_id: listingId } });
    expect(closed.status).toBe(409);
    expect(closed.body.details[0].field).toBe('listing_id');
    const socket = await connectSocket(seller.token);
    const created = collect(socket, 'room_created');
    expect((await threads(service, `update/${threadId}`, { dataClause: { isActive: true } })).status).toBe(200);
    const again = await api('POST', '/v1/rooms', { token: buyer.token, body: { type: 'listing', member: seller.conversationId, listing_id: listingId } });
    expect([again.status, again.body.id]).toEqual([200, threadId]);
    // The seller's devices dropped the thread when it closed: back, it is new to them.
    await eventually(() => created, (pushed) => pushed.some((push) => push.room_id === threadId && push.type === 'listing'), 'room_created to the seller');
    socket.disconnect();
  });
});
