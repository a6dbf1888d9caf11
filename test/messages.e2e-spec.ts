import { afterAll, describe, expect, it } from '@jest/globals';
import { ObjectId } from 'mongodb';
import {
  api,
  closeStores,
  collect,
  connectSocket,
  database,
  documentsOfAccount,
  eventually,
  newAccountId,
  type TestMember,
  newMember,
  newDirectRoom,
  restartApp,
} from '@parley/testing';

async function send(user: TestMember, roomId: string, content: string, extra: Record<string, unknown> = {}): Promise<{ id: string; seq: number; rev: number; content: string }> {
  const response = await api('POST', `/v1/rooms/${roomId}/messages`, { token: user.token, body: { content, ...extra } });
  expect(response.status).toBe(201);
  return response.body;
}

/** The outbox entries messaging wrote for an event type about one message. */
async function events(topic: string, messageId: string): Promise<Record<string, any>[]> {
  const db = await database();
  return db.collection('messaging.outbox').find({ topic, 'envelope.data.message_id': messageId }).toArray();
}

async function updatedEvents(messageId: string): Promise<Record<string, any>[]> {
  const db = await database();
  return db.collection('messaging.outbox').find({ topic: 'parley.message.updated', 'envelope.data.message.id': messageId }).toArray();
}

/** Everything of an account in messaging's collections, to prove a refused request wrote nothing. */
async function footprint(accountId: string): Promise<Record<string, unknown>> {
  const db = await database();
  const [favorites, reminders, messages] = await Promise.all([
    db.collection('conversations.message_favorites').find({ account_id: accountId }).toArray(),
    db.collection('conversations.message_reminders').find({ account_id: accountId }).toArray(),
    db.collection('conversations.messages').find({ account_id: accountId }).toArray(),
  ]);
  return { counts: await documentsOfAccount(accountId), favorites, reminders, messages };
}

function contents(page: { data: { content: string }[] }): string[] {
  return page.data.map((message) => message.content);
}

describe('messages: edit and delete', () => {
  afterAll(closeStores);

  it('lets the author edit: content sanitized, history kept, message_updated announced once', async () => {
    const { alice, bob, roomId } = await newDirectRoom();
    const sent = await send(alice, roomId, 'first draft');

    const edited = await api('PATCH', `/v1/messages/${sent.id}`, { token: alice.token, body: { content: 'second <b>draft</b><script>x()</script>' } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ id: sent.id, room_id: roomId, seq: sent.seq, content: 'second <b>draft</b>', deleted: false });
    expect(edited.body.edited_at).toEqual(expect.any(String));

    const again = await api('PATCH', `/v1/messages/${sent.id}`, { token: alice.token, body: { content: 'second <b>draft</b>' } });
    expect(again.status).toBe(200);
    expect(again.body.edited_at).toBe(edited.body.edited_at);

    const stored = await (await database()).collection('conversations.messages').findOne({ content: 'second <b>draft</b>', account_id: alice.accountId });
    expect(stored?.edits).toEqual([{ content: 'first draft', edited_at: new Date(edited.body.edited_at) }]);

    const announced = await updatedEvents(sent.id);
    expect(announced).toHaveLength(1);
    expect(announced[0]).toMatchObject({ key: roomId, envelope: { type: 'parley.message.updated', accountId: alice.accountId } });
    expect(announced[0].envelope.data).toMatchObject({ room_id: roomId, message: { id: sent.id, content: 'second <b>draft</b>' } });
    expect([...announced[0].envelope.data.receivers].sort()).toEqual([alice.conversationId, bob.conversationId].sort());

    const seenByBob = await api('GET', `/v1/rooms/${roomId}/messages`, { token: bob.token });
    expect(seenByBob.body.data[0]).toMatchObject({ id: sent.id, content: 'second <b>draft</b>', edited_at: edited.body.edited_at });

    const history = await api('GET', `/v1/messages/${sent.id}/history`, { token: bob.token });
    expect(history.status).toBe(200);
    expect(history.body).toEqual({
      message_id: sent.id,
      edits: [{ content: 'first draft', edited_at: edited.body.edited_at }],
      current: { content: 'second <b>draft</b>', edited_at: edited.body.edited_at },
    });
    const outsider = await newMember();
    expect((await api('GET', `/v1/messages/${sent.id}/history`, { token: outsider.token })).status).toBe(404);
  });

  it('keeps a < that opens no tag as typed (code, comparisons, an address in brackets), and counts an & as one character', async () => {
    const { alice, bob, roomId } = await newDirectRoom();
    for (const [typed, stored] of [
      ['if (a<b && c>d) return', 'if (a&lt;b &amp;&amp; c&gt;d) return'],
      ['Array<string>', 'Array&lt;string&gt;'],
      ['x<y', 'x&lt;y'],
      ['email me <bob@example.com>', 'email me &lt;bob@example.com&gt;'],
      ['<b>bold</b> <script>alert(1)</script>stays', '<b>bold</b> stays'],
    ]) {
      expect((await send(alice, roomId, typed)).content).toBe(stored);
    }
    // 3,000 characters as typed, 6,000 once each & is stored as &amp;: within the 5,000 a user may type.
    const ampersands = await api('POST', `/v1/rooms/${roomId}/messages`, { token: bob.token, body: { content: '& '.repeat(1500).trim() } });
    expect(ampersands.status).toBe(201);
  });

  it('refuses an edit by anyone but the author, from another account, or with bad input, and writes nothing', async () => {
    const { alice, bob, roomId } = await newDirectRoom();
    const sent = await send(alice, roomId, 'mine');
    const outsider = await newMember(newAccountId());
    const before = await footprint(alice.accountId);

    const byBob = await api('PATCH', `/v1/messages/${sent.id}`, { token: bob.token, body: { content: 'hijacked' } });
    const byOutsider = await api('PATCH', `/v1/messages/${sent.id}`, { token: outsider.token, body: { content: 'hijacked' } });
    const badId = await api('PATCH', '/v1/messages/nope', { token: alice.token, body: { content: 'x' } });
    const unknownField = await api('PATCH', `/v1/messages/${sent.id}`, { token: alice.token, body: { content: 'x', pinned: true } });
    const onlyMarkup = await api('PATCH', `/v1/messages/${sent.id}`, { token: alice.token, body: { content: '<script>x()</script>' } });
    const tooLong = await api('PATCH', `/v1/messages/${sent.id}`, { token: alice.token, body: { content: 'x'.repeat(5001) } });
    const noToken = await api('PATCH', `/v1/messages/${sent.id}`, { body: { content: 'x' } });

    expect([byBob.status, byOutsider.status, badId.status, unknownField.status, onlyMarkup.status, tooLong.status, noToken.status]).toEqual([
      403, 404, 400, 400, 422, 400, 401,
    ]);
    expect(badId.body.details[0].field).toBe('id');
    expect(unknownField.body.details.map((detail: { field: string }) => detail.field)).toContain('pinned');
    expect(onlyMarkup.body.details[0].field).toBe('content');
    expect(tooLong.body.details[0].field).toBe('content');
    expect(JSON.stringify(byOutsider.body)).not.toContain('mine');
    expect(await footprint(alice.accountId)).toEqual(before);
  });

  it('deletes for me: hidden from the caller only, favorites and reminders of the caller go too; again changes nothing', async () => {
    const { alice, bob, roomId } = await newDirectRoom();
    const keep = await send(alice, roomId, 'keep');
    const hide = await send(alice, roomId, 'hide me');
    expect((await api('PUT', `/v1/messages/${hide.id}/favorite`, { token: bob.token })).status).toBe(204);
    const reminder = await api('POST', `/v1/messages/${hide.id}/reminders`, { token: bob.token, body: { at: new Date(Date.now() + 3600_000).toISOString() } });
    expect(reminder.status).toBe(201);

    const removed = await api('DELETE', `/v1/messages/${hide.id}?for=me`, { token: bob.token });
    expect(removed.status).toBe(204);
    expect(contents((await api('GET', `/v1/rooms/${roomId}/messages`, { token: bob.token })).body)).toEqual(['keep']);
    expect(contents((await api('GET', `/v1/rooms/${roomId}/messages`, { token: alice.token })).body)).toEqual(['hide me', 'keep']);
    expect((await api('GET', '/v1/messages/favorites', { token: bob.token })).body.data).toEqual([]);
    const db = await database();
    expect(await db.collection('conversations.message_reminders').findOne({ account_id: bob.accountId })).toMatchObject({ status: 'cancelled' });

    const deleted = await events('parley.message.deleted', hide.id);
    expect(deleted).toHaveLength(1);
    expect(deleted[0].key).toBe(roomId);
    expect(deleted[0].envelope.data).toEqual({
      room_id: roomId,
      message_id: hide.id,
      for: 'me',
      conversation_id: bob.conversationId,
      receivers: [bob.conversationId],
      rev: expect.any(Number),
    });

    expect((await api('DELETE', `/v1/messages/${hide.id}?for=me`, { token: bob.token })).status).toBe(204);
    expect(await events('parley.message.deleted', hide.id)).toHaveLength(1);
    // Hidden from Bob: it no longer exists for him.
    expect((await api('PATCH', `/v1/messages/${hide.id}`, { token: bob.token, body: { content: 'x' } })).status).toBe(404);
    expect(keep.id).toBeDefined();
  });

  it('deletes for everyone (author): the document stays, every read shows it empty, search never finds it', async () => {
    const { alice, bob, roomId } = await newDirectRoom();
    const sent = await send(alice, roomId, 'regrettable walrus', {
      attachments: [{ name: 'a.png', size: 10, content_type: 'image/png', url: 'https://files.test/a.png' }],
    });
    const removed = await api('DELETE', `/v1/messages/${sent.id}?for=everyone`, { token: alice.token });
    expect(removed.status).toBe(204);

    for (const user of [alice, bob]) {
      const page = (await api('GET', `/v1/rooms/${roomId}/messages`, { token: user.token })).body;
      expect(page.data).toHaveLength(1);
      expect(page.data[0]).toMatchObject({ id: sent.id, seq: sent.seq, deleted: true, content: '', attachments: [] });
      const found = (await api('GET', '/v1/search?q=walrus', { token: user.token })).body;
      expect(found.data).toEqual([]);
      const inRoom = (await api('GET', `/v1/rooms/${roomId}/messages?q=walrus`, { token: user.token })).body;
      expect(inRoom.data).toEqual([]);
    }
    const stored = await (await database()).collection('conversations.messages').findOne({ account_id: alice.accountId });
    expect(stored).toMatchObject({ content: 'regrettable walrus', deleted: true, deleted_by_user_id: alice.userId });
    expect(stored?.attachments).toHaveLength(1);

    const deleted = await events('parley.message.deleted', sent.id);
    expect(deleted).toHaveLength(1);
    expect(deleted[0].envelope.data).toMatchObject({ room_id: roomId, message_id: sent.id, for: 'everyone' });
    expect([...deleted[0].envelope.data.receivers].sort()).toEqual([alice.conversationId, bob.conversationId].sort());

    expect((await api('DELETE', `/v1/messages/${sent.id}?for=everyone`, { token: alice.token })).status).toBe(204);
    expect(await events('parley.message.deleted', sent.id)).toHaveLength(1);
    expect((await api('PATCH', `/v1/messages/${sent.id}`, { token: alice.token, body: { content: 'undo' } })).status).toBe(409);
  });

  it('lets an admin of the account delete for everyone, not a member who is not the author nor another account’s admin', async () => {
    const { alice, bob, roomId } = await newDirectRoom();
    const sent = await send(alice, roomId, 'moderate me');
    const admin = await newMember(alice.accountId, ['conversation', 'conversation.admin']);
    const foreignAdmin = await newMember(newAccountId(), ['conversation', 'conversation.admin']);
    const before = await footprint(alice.accountId);

    const byBob = await api('DELETE', `/v1/messages/${sent.id}?for=everyone`, { token: bob.token });
    const byForeignAdmin = await api('DELETE', `/v1/messages/${sent.id}?for=everyone`, { token: foreignAdmin.token });
    const badScope = await api('DELETE', `/v1/messages/${sent.id}?for=all`, { token: alice.token });
    expect([byBob.status, byForeignAdmin.status, badScope.status]).toEqual([403, 404, 400]);
    expect(badScope.body.details[0].field).toBe('for');
    expect(await footprint(alice.accountId)).toEqual(before);

    expect((await api('DELETE', `/v1/messages/${sent.id}?for=everyone`, { token: admin.token })).status).toBe(204);
    const page = (await api('GET', `/v1/rooms/${roomId}/messages`, { token: bob.token })).body;
    expect(page.data[0]).toMatchObject({ id: sent.id, deleted: true, content: '' });
  });

  it('takes a message deleted for everyone out of the unread counts that held it, and tells each member their new count', async () => {
    const accountId = newAccountId();
    const author = await newMember(accountId, ['conversation', 'conversation.admin']);
    const [bob, carol] = [await newMember(accountId), await newMember(accountId)];
    const channel = await api('POST', '/v1/rooms', {
      token: author.token,
      body: { type: 'channel', name: 'deletions', members: [bob.conversationId, carol.conversationId] },
    });
    expect(channel.status).toBe(201);
    const roomId = channel.body.id;
    const first = await send(author, roomId, 'first');
    const second = await send(author, roomId, 'second');
    const unreadOf = async (member: TestMember) => (await api('GET', `/v1/rooms/${roomId}`, { token: member.token })).body.unread_count;
    await eventually(() => Promise.all([unreadOf(bob), unreadOf(carol)]), (counts) => counts.every((count) => count === 2), 'both unread');
    expect((await api('POST', `/v1/rooms/${roomId}/read`, { token: carol.token, body: { messageId: second.id } })).status).toBe(200);
    const bobSocket = await connectSocket(bob.token);
    const bobUpdates = collect(bobSocket, 'room_updated');

    try {
      expect((await api('DELETE', `/v1/messages/${second.id}?for=everyone`, { token: author.token })).status).toBe(204);
      await eventually(() => unreadOf(bob), (count) => count === 1, 'Bob’s count without the deleted message');
      await eventually(() => bobUpdates, (updates) => updates.some((update) => update.room_id === roomId && update.unread_count === 1), 'room_updated to Bob');
      expect([await unreadOf(carol), await unreadOf(author)]).toEqual([0, 0]);

      // Reading up to the first message leaves nothing unread: the deleted one never counts again.
      expect((await api('POST', `/v1/rooms/${roomId}/read`, { token: bob.token, body: { messageId: first.id } })).status).toBe(200);
      expect(await unreadOf(bob)).toBe(0);
    } finally {
      bobSocket.disconnect();
    }
  });
  it('takes a message hidden from one member out of that member\'s unread count only, and a later delete for everyone does not take it twice', async () => {
    const accountId = newAccountId();
    const author = await newMember(accountId, ['conversation', 'conversation.admin']);
    const [bob, carol] = [await newMember(accountId), await newMember(accountId)];
    const channel = await api('POST', '/v1/rooms', { token: author.token, body: { type: 'channel', name: 'hidden', members: [bob.conversationId, carol.conversationId] } });
    expect(channel.status).toBe(201);
    const roomId = channel.body.id;
    await send(author, roomId, 'first');
    const second = await send(author, roomId, 'second');
    const third = await send(author, roomId, 'third');
    const unreadOf = async (member: TestMember) => (await api('GET', `/v1/rooms/${roomId}`, { token: member.token })).body.unread_count;
    await eventually(() => Promise.all([unreadOf(bob), unreadOf(carol)]), (counts) => counts.every((count) => count === 3), 'three unread for both');
    const bobSocket = await connectSocket(bob.token);
    const bobUpdates = collect(bobSocket, 'room_updated');

    try {
      expect((await api('DELETE', `/v1/messages/${second.id}?for=me`, { token: bob.token })).status).toBe(204);
      await eventually(() => unreadOf(bob), (count) => count === 2, 'Bob’s count without the message he hid');
      await eventually(() => bobUpdates, (updates) => updates.some((update) => update.room_id === roomId && update.unread_count === 2), 'room_updated to Bob');
      expect(await unreadOf(carol)).toBe(3);
      // Hiding it again changes nothing.
      expect((await api('DELETE', `/v1/messages/${second.id}?for=me`, { token: bob.token })).status).toBe(204);

      // Deleted for everyone after Bob hid it: Carol loses it, Bob does not lose it a second time.
      expect((await api('DELETE', `/v1/messages/${second.id}?for=everyone`, { token: author.token })).status).toBe(204);
      await eventually(() => unreadOf(carol), (count) => count === 2, 'Carol’s count without the deleted message');
      // And the other order: deleted for everyone, then hidden by Bob, leaves him one unread.
      expect((await api('DELETE', `/v1/messages/${third.id}?for=everyone`, { token: author.token })).status).toBe(204);
      await eventually(() => unreadOf(carol), (count) => count === 1, 'Carol’s count without the second deleted message');
      await eventually(() => unreadOf(bob), (count) => count === 1, 'Bob’s count without the deleted message');
      expect((await api('DELETE', `/v1/messages/${third.id}?for=me`, { token: bob.token })).status).toBe(204);
      // Once rooms has applied all four deletes, the counts stand.
      const db = await database();
      const deletes = await db.collection('messaging.outbox').find({ 'envelope.type': 'parley.message.deleted', 'envelope.key': roomId }).toArray();
      expect(deletes).toHaveLength(4);
      await eventually(
        () => db.collection('rooms.processed_events').countDocuments({ _id: { $in: deletes.map((entry) => `rooms.message-deleted:${entry._id}`) } as never }),
        (applied) => applied === 4,
        'the four deletes applied by rooms',
      );
      expect([await unreadOf(bob), await unreadOf(carol), await unreadOf(author)]).toEqual([1, 1, 0]);
    } finally {
      bobSocket.disconnect();
    }
  });
});

describe('messages: paging, catching up and search', () => {
  afterAll(closeStores);

  it('returns what a client missed after a seq or after its last seen message id, newest first, then continues forward', async () => {
    const { alice, bob, roomId } = await newDirectRoom();
    const sent = [];
    for (let index = 1; index <= 6; index++) sent.push(await send(alice, roomId, `m${index}`));

    const afterSeq = (await api('GET', `/v1/rooms/${roomId}/messages?after_seq=2&limit=3`, { token: bob.token })).body;
    expect(contents(afterSeq)).toEqual(['m5', 'm4', 'm3']);
    const onward = (await api('GET', `/v1/rooms/${roomId}/messages?after=${afterSeq.previous}&limit=3`, { token: bob.token })).body;
    expect(contents(onward)).toEqual(['m6']);
    const caughtUp = (await api('GET', `/v1/rooms/${roomId}/messages?after=${onward.previous}`, { token: bob.token })).body;
    expect(caughtUp.data).toEqual([]);
    expect(caughtUp.previous).toEqual(expect.any(String));

    const afterId = (await api('GET', `/v1/rooms/${roomId}/messages?after=${sent[3].id}`, { token: bob.token })).body;
    expect(contents(afterId)).toEqual(['m6', 'm5']);
    expect(afterId.data.map((message: { seq: number }) => message.seq)).toEqual([6, 5]);
    const older = (await api('GET', `/v1/rooms/${roomId}/messages?before=${afterId.next}&limit=2`, { token: bob.token })).body;
    expect(contents(older)).toEqual(['m4', 'm3']);
    // A message id works the other way too: the messages before it.
    const beforeId = (await api('GET', `/v1/rooms/${roomId}/messages?before=${sent[3].id}&limit=2`, { token: bob.token })).body;
    expect(contents(beforeId)).toEqual(['m3', 'm2']);
  });

  it('refuses an after that is neither a cursor (400) nor a message of the room (422), and more than one starting point (422)', async () => {
    const { alice, roomId } = await newDirectRoom();
    const other = await newDirectRoom();
    const elsewhere = await send(other.alice, other.roomId, 'not here');
    await send(alice, roomId, 'here');
    const foreignId = await api('GET', `/v1/rooms/${roomId}/messages?after=${elsewhere.id}`, { token: alice.token });
    const foreignBefore = await api('GET', `/v1/rooms/${roomId}/messages?before=${elsewhere.id}`, { token: alice.token });
    expect(foreignBefore.status).toBe(422);
    expect(foreignBefore.body.details[0].field).toBe('before');
    const garbage = await api('GET', `/v1/rooms/${roomId}/messages?after=garbage`, { token: alice.token });
    const both = await api('GET', `/v1/rooms/${roomId}/messages?after_seq=1&before=eyJzIjo1fQ`, { token: alice.token });
    const negative = await api('GET', `/v1/rooms/${roomId}/messages?after_seq=-1`, { token: alice.token });
    expect([foreignId.status, garbage.status, both.status, negative.status]).toEqual([422, 400, 422, 400]);
    expect(foreignId.body.details[0].field).toBe('after');
    expect(garbage.body.details[0].field).toBe('after');
    expect(both.body.details[0].field).toBe('after_seq');
    expect(negative.body.details[0].field).toBe('after_seq');
    expect(JSON.stringify(foreignId.body)).not.toContain('not here');
  });

  it('gives what changed after a change number: new, edited and deleted messages as they are now, one the reader hid as hidden to them only, paged by previous', async () => {
    const { alice, bob, roomId } = await newDirectRoom();
    const [m1, m2, m3] = [await send(alice, roomId, 'm1'), await send(alice, roomId, 'm2'), await send(alice, roomId, 'm3')];
    const loaded = (await api('GET', `/v1/rooms/${roomId}/messages`, { token: bob.token })).body;
    const start = Math.max(...loaded.data.map((message: { rev: number }) => message.rev));
    expect(loaded.data.map((message: { rev: number }) => message.rev)).toEqual([3, 2, 1]);

    expect((await api('PATCH', `/v1/messages/${m1.id}`, { token: alice.token, body: { content: 'm1 edited' } })).status).toBe(200);
    expect((await api('DELETE', `/v1/messages/${m2.id}?for=everyone`, { token: alice.token })).status).toBe(204);
    expect((await api('DELETE', `/v1/messages/${m3.id}`, { token: bob.token })).status).toBe(204);
    const m4 = await send(alice, roomId, 'm4');

    const changes = await api('GET', `/v1/rooms/${roomId}/messages?changed_after=${start}`, { token: bob.token });
    expect(changes.status).toBe(200);
    expect(changes.body.data.map((message: { id: string }) => message.id)).toEqual([m4.id, m3.id, m2.id, m1.id]);
    const [newest, hidden, deleted, edited] = changes.body.data;
    expect(newest).toMatchObject({ content: 'm4', deleted: false, rev: 7 });
    expect(newest.hidden).toBeUndefined();
    expect(hidden).toMatchObject({ content: '', deleted: true, hidden: true, rev: 6 });
    expect(deleted).toMatchObject({ content: '', deleted: true, rev: 5 });
    expect(deleted.hidden).toBeUndefined();
    expect(edited).toMatchObject({ content: 'm1 edited', edited_at: expect.any(String), rev: 4 });
    expect(changes.body.next).toBeNull();
    // The message as read or pushed carries the same change number.
    expect((await updatedEvents(m1.id))[0].envelope.data.message.rev).toBe(4);
    expect((await events('parley.message.deleted', m2.id))[0].envelope.data.rev).toBe(5);

    // Bob's deleting m3 for himself is his alone: alice's feed does not have it, and her copy did not move.
    const hers = (await api('GET', `/v1/rooms/${roomId}/messages?changed_after=${start}`, { token: alice.token })).body;
    expect(hers.data.map((message: { id: string }) => message.id)).toEqual([m4.id, m2.id, m1.id]);
    const aliceM3 = (await api('GET', `/v1/rooms/${roomId}/messages?after_seq=2&limit=1`, { token: alice.token })).body.data[0];
    expect(aliceM3).toMatchObject({ id: m3.id, content: 'm3', rev: 3, updated: loaded.data[0].updated });

    // Paged: the oldest changes first, previous (as after) goes on, and stays put once caught up.
    const first = (await api('GET', `/v1/rooms/${roomId}/messages?changed_after=${start}&limit=3`, { token: bob.token })).body;
    expect(first.data.map((message: { id: string }) => message.id)).toEqual([m3.id, m2.id, m1.id]);
    const rest = (await api('GET', `/v1/rooms/${roomId}/messages?after=${first.previous}&limit=3`, { token: bob.token })).body;
    expect(rest.data.map((message: { id: string }) => message.id)).toEqual([m4.id]);
    const caughtUp = (await api('GET', `/v1/rooms/${roomId}/messages?after=${rest.previous}`, { token: bob.token })).body;
    expect(caughtUp).toEqual({ data: [], next: null, previous: rest.previous });
    const m5 = await send(alice, roomId, 'm5');
    const polled = (await api('GET', `/v1/rooms/${roomId}/messages?after=${caughtUp.previous}`, { token: bob.token })).body;
    expect(polled.data.map((message: { id: string }) => message.id)).toEqual([m5.id]);
  });

  it('refuses changed_after beside another starting point or q (422) or below 0 (400); a non-member gets 403, another account 404', async () => {
    const { alice, roomId } = await newDirectRoom();
    await send(alice, roomId, 'here');
    const outsider = await newMember(alice.accountId);
    const foreign = await newMember();
    const withSeq = await api('GET', `/v1/rooms/${roomId}/messages?after_seq=1&changed_after=0`, { token: alice.token });
    const withQ = await api('GET', `/v1/rooms/${roomId}/messages?changed_after=0&q=here`, { token: alice.token });
    const negative = await api('GET', `/v1/rooms/${roomId}/messages?changed_after=-1`, { token: alice.token });
    const tampered = await api('GET', `/v1/rooms/${roomId}/messages?after=${Buffer.from(JSON.stringify({ r: 1, id: 'x' })).toString('base64url')}`, { token: alice.token });
    const [empty, hex, exponent] = await Promise.all(['', '0x10', '1e3'].map((given) => api('GET', `/v1/rooms/${roomId}/messages?changed_after=${given}`, { token: alice.token })));
    expect([withSeq.status, withQ.status, negative.status, tampered.status, empty.status, hex.status, exponent.status]).toEqual([422, 422, 400, 400, 400, 400, 400]);
    expect([withSeq, withQ, negative, tampered, empty, hex, exponent].map((response) => response.body.details[0].field)).toEqual([
      'changed_after',
      'q',
      'changed_after',
      'after',
      'changed_after',
      'changed_after',
      'changed_after',
    ]);
    // A position past the room's last change (a number of another room, say) would hide every change up to it.
    const past = await api('GET', `/v1/rooms/${roomId}/messages?changed_after=2`, { token: alice.token });
    const pastCursor = await api('GET', `/v1/rooms/${roomId}/messages?after=${Buffer.from(JSON.stringify({ r: 9 })).toString('base64url')}`, { token: alice.token });
    expect([past.status, pastCursor.status]).toEqual([422, 422]);
    expect([past.body.details[0].field, pastCursor.body.details[0].field]).toEqual(['changed_after', 'after']);
    expect((await api('GET', `/v1/rooms/${roomId}/messages?changed_after=1`, { token: alice.token })).body.data).toEqual([]);
    const [notMember, otherAccount] = await Promise.all([
      api('GET', `/v1/rooms/${roomId}/messages?changed_after=0`, { token: outsider.token }),
      api('GET', `/v1/rooms/${roomId}/messages?changed_after=0`, { token: foreign.token }),
    ]);
    expect([notMember.status, otherAccount.status]).toEqual([403, 404]);
    expect(JSON.stringify([notMember.body, otherAccount.body])).not.toContain('here');
  });

  it('searches within a room with q', async () => {
    const { alice, roomId } = await newDirectRoom();
    await send(alice, roomId, 'the quarterly budget');
    await send(alice, roomId, 'lunch at noon');
    await send(alice, roomId, 'budget approved');
    const page = (await api('GET', `/v1/rooms/${roomId}/messages?q=budget`, { token: alice.token })).body;
    expect(contents(page)).toEqual(['budget approved', 'the quarterly budget']);
    const empty = await api('GET', `/v1/rooms/${roomId}/messages?q=%20%20`, { token: alice.token });
    expect(empty.status).toBe(400);
    expect(empty.body.details[0].field).toBe('q');
  });

  it('finds words of Chinese, Japanese and Thai messages, written without spaces, in a room and across rooms', async () => {
    const { alice, roomId } = await newDirectRoom();
    const meeting = await send(alice, roomId, '明天的会议改到下午三点');
    const japanese = await send(alice, roomId, '来週の会議は<strong>中止</strong>です');
    const thai = await send(alice, roomId, 'พรุ่งนี้ประชุมตอนบ่ายสาม');
    await send(alice, roomId, 'lunch at noon');
    const found = async (q: string) => contents((await api('GET', `/v1/rooms/${roomId}/messages?q=${encodeURIComponent(q)}`, { token: alice.token })).body);
    expect(await found('会议')).toEqual([meeting.content]);
    expect(await found('会議')).toEqual([japanese.content]);
    expect(await found('中止')).toEqual([japanese.content]);
    expect(await found('strong 中止')).toEqual([]);
    expect(await found('ประชุม')).toEqual([thai.content]);
    expect(await found('下午 会议')).toEqual([meeting.content]);
    expect(await found('会议 noon')).toEqual([]);
    const everywhere = (await api('GET', `/v1/search?q=${encodeURIComponent('三点')}`, { token: alice.token })).body;
    expect(everywhere.data.map((hit: { id: string }) => hit.id)).toEqual([meeting.id]);
    // Paged, the search still holds: each page keeps to the matches.
    const later = await send(alice, roomId, '会议室订好了');
    const firstPage = (await api('GET', `/v1/search?q=${encodeURIComponent('会议')}&limit=1`, { token: alice.token })).body;
    expect(firstPage.data.map((hit: { id: string }) => hit.id)).toEqual([later.id]);
    const nextPage = (await api('GET', `/v1/search?q=${encodeURIComponent('会议')}&limit=1&before=${encodeURIComponent(firstPage.next)}`, { token: alice.token })).body;
    expect(nextPage.data.map((hit: { id: string }) => hit.id)).toEqual([meeting.id]);
    expect(nextPage.next).toBeNull();
  });

  it('searches the text a reader sees, not the stored markup, and follows edits', async () => {
    const { alice, roomId } = await newDirectRoom();
    const formatted = await send(alice, roomId, '<strong>espresso</strong> & <a href="https://cafe.example/menu">menu</a>');
    await send(alice, roomId, 'the strong one is sold out');
    const found = async (q: string) => contents((await api('GET', `/v1/rooms/${roomId}/messages?q=${q}`, { token: alice.token })).body);
    expect(await found('espresso')).toEqual([formatted.content]);
    expect(await found('strong')).toEqual(['the strong one is sold out']);
    expect(await found('amp')).toEqual([]);
    expect(await found('href')).toEqual([]);
    expect(await found('cafe.example')).toEqual([formatted.content]);
    expect((await api('PATCH', `/v1/messages/${formatted.id}`, { token: alice.token, body: { content: '<em>flat white</em>' } })).status).toBe(200);
    expect(await found('espresso')).toEqual([]);
    expect(await found('white')).toEqual(['<em>flat white</em>']);
    expect((await api('GET', '/v1/search?q=white', { token: alice.token })).body.data.map((hit: { id: string }) => hit.id)).toEqual([formatted.id]);
  });

  it('searches every room the caller belongs to, newest first, with the room of each hit, paged; never other rooms or accounts', async () => {
    const accountId = newAccountId();
    const [me, carol, dave] = [await newMember(accountId), await newMember(accountId), await newMember(accountId)];
    const withCarol = (await api('POST', '/v1/rooms', { token: me.token, body: { type: 'direct', member: carol.conversationId } })).body.id;
    const withDave = (await api('POST', '/v1/rooms', { token: me.token, body: { type: 'direct', member: dave.conversationId } })).body.id;
    const notMine = (await api('POST', '/v1/rooms', { token: carol.token, body: { type: 'direct', member: dave.conversationId } })).body.id;
    await send(carol, withCarol, 'pineapple one');
    await send(dave, withDave, 'pineapple two');
    await send(carol, notMine, 'pineapple secret');
    await send(me, withCarol, 'pineapple three');
    const hidden = await send(dave, withDave, 'pineapple hidden');
    expect((await api('DELETE', `/v1/messages/${hidden.id}?for=me`, { token: me.token })).status).toBe(204);
    const outsider = await newMember(newAccountId());
    await api('POST', '/v1/rooms', { token: outsider.token, body: { type: 'direct', member: (await newMember(outsider.accountId)).conversationId } });

    const first = (await api('GET', '/v1/search?q=pineapple&limit=2', { token: me.token })).body;
    expect(first.data.map((hit: { content: string; room_id: string }) => [hit.content, hit.room_id])).toEqual([
      ['pineapple three', withCarol],
      ['pineapple two', withDave],
    ]);
    const second = (await api('GET', `/v1/search?q=pineapple&limit=2&before=${first.next}`, { token: me.token })).body;
    expect(contents(second)).toEqual(['pineapple one']);
    expect(second.next).toBeNull();
    const back = (await api('GET', `/v1/search?q=pineapple&limit=2&after=${second.previous}`, { token: me.token })).body;
    expect(contents(back)).toEqual(['pineapple three', 'pineapple two']);

    const foreign = (await api('GET', '/v1/search?q=pineapple', { token: outsider.token })).body;
    expect(foreign.data).toEqual([]);
    const missing = await api('GET', '/v1/search', { token: me.token });
    const badCursor = await api('GET', '/v1/search?q=pineapple&before=nope', { token: me.token });
    expect([missing.status, badCursor.status]).toEqual([400, 400]);
    expect(missing.body.details[0].field).toBe('q');
    expect(badCursor.body.details[0].field).toBe('before');
  });
});

describe('messages: reactions', () => {
  afterAll(closeStores);

  it('lets members react once per emoji and take it back, counted in the order given, told to every device; a repeat changes and tells nothing', async () => {
    const accountId = newAccountId();
    const [alice, bob, carol] = [await newMember(accountId, ['conversation', 'conversation.admin']), await newMember(accountId), await newMember(accountId)];
    const channel = await api('POST', '/v1/rooms', { token: alice.token, body: { type: 'channel', name: `react-${Date.now()}`, members: [bob.conversationId, carol.conversationId] } });
    expect(channel.status).toBe(201);
    const roomId = channel.body.id;
    const sent = await send(alice, roomId, 'ship it?');
    const carolSocket = await connectSocket(carol.token);
    const updates = collect(carolSocket, 'message_updated');
    try {
      const thumbs = encodeURIComponent('👍');
      const first = await api('PUT', `/v1/messages/${sent.id}/reactions/${thumbs}`, { token: bob.token });
      expect(first.status).toBe(200);
      expect(first.body.reactions).toEqual([{ emoji: '👍', count: 1, conversation_ids: [bob.conversationId] }]);
      expect((await api('PUT', `/v1/messages/${sent.id}/reactions/${thumbs}`, { token: alice.token })).status).toBe(200);
      const family = '👨‍👩‍👧';
      const both = await api('PUT', `/v1/messages/${sent.id}/reactions/${encodeURIComponent(family)}`, { token: bob.token });
      expect(both.body.reactions).toEqual([
        { emoji: '👍', count: 2, conversation_ids: [bob.conversationId, alice.conversationId] },
        { emoji: family, count: 1, conversation_ids: [bob.conversationId] },
      ]);
      // Again: nothing changes, and nobody is told.
      const again = await api('PUT', `/v1/messages/${sent.id}/reactions/${thumbs}`, { token: bob.token });
      expect(again.body.reactions).toEqual(both.body.reactions);
      expect(await updatedEvents(sent.id)).toHaveLength(3);

      const taken = await api('DELETE', `/v1/messages/${sent.id}/reactions/${encodeURIComponent(family)}`, { token: bob.token });
      expect(taken.status).toBe(200);
      expect(taken.body.reactions).toEqual([{ emoji: '👍', count: 2, conversation_ids: [bob.conversationId, alice.conversationId] }]);
      expect((await api('DELETE', `/v1/messages/${sent.id}/reactions/${encodeURIComponent(family)}`, { token: bob.token })).body.reactions).toEqual(taken.body.reactions);
      expect(await updatedEvents(sent.id)).toHaveLength(4);

      // Every member's devices hear of each change, with the reactions as they are then.
      await eventually(() => updates, (pushes) => pushes.length === 4, 'four message_updated pushes to carol');
      expect(updates.map((push) => push.message.reactions?.map((reaction: { emoji: string; count: number }) => `${reaction.emoji}${reaction.count}`).join(' '))).toEqual([
        '👍1',
        '👍2',
        `👍2 ${family}1`,
        '👍2',
      ]);
      // Reads show them, and a device back from a gap gets them as a change.
      const page = (await api('GET', `/v1/rooms/${roomId}/messages?changed_after=${sent.rev}`, { token: carol.token })).body;
      expect(page.data).toEqual([expect.objectContaining({ id: sent.id, reactions: taken.body.reactions, rev: taken.body.rev })]);
      expect(taken.body.rev).toBeGreaterThan(sent.rev);
    } finally {
      carolSocket.disconnect();
    }
  });

  it('refuses a reaction by a non-member (403), from another account (404), to a deleted message (409), and an empty, long, spaced or invisible one (400, 422), writing nothing', async () => {
    const { alice, bob, roomId } = await newDirectRoom();
    const sent = await send(alice, roomId, 'react to me');
    const outsider = await newMember(alice.accountId);
    const foreign = await newMember();
    const before = await footprint(alice.accountId);
    // (`..` never arrives through a URL parser, which takes it, encoded or not, as a path step: the unit test of checkReaction has it.)
    const at = (emoji: string, token: string) => api('PUT', `/v1/messages/${sent.id}/reactions/${encodeURIComponent(emoji)}`, { token });
    const refused = [
      await at('👍', outsider.token),
      await at('👍', foreign.token),
      await at('x'.repeat(33), bob.token),
      await at('thumbs up', bob.token),
      await at('\u200b', bob.token),
      await at('a\u0001', bob.token),
      await at('👍\u200b', bob.token),
      await at('\ufe0f', bob.token),
      await at('👍👍', bob.token),
      await at('<b>x</b>', bob.token),
    ];
    expect(refused.map((response) => response.status)).toEqual([403, 404, 400, 422, 422, 422, 422, 422, 422, 422]);
    expect(new Set(refused.slice(2).map((response) => response.body.details[0].field))).toEqual(new Set(['emoji']));
    expect(await footprint(alice.accountId)).toEqual(before);

    expect((await api('DELETE', `/v1/messages/${sent.id}?for=everyone`, { token: alice.token })).status).toBe(204);
    const deleted = await at('👍', bob.token);
    expect(deleted.status).toBe(409);
    expect((await api('GET', `/v1/rooms/${roomId}/messages`, { token: bob.token })).body.data[0].reactions).toBeUndefined();
  });

  it('holds at most 50 different reactions on a message, and takes more of one it has', async () => {
    const { alice, bob, roomId } = await newDirectRoom();
    const sent = await send(alice, roomId, 'so many feelings');
    for (let index = 0; index < 50; index++) {
      expect((await api('PUT', `/v1/messages/${sent.id}/reactions/r${index}`, { token: alice.token })).status).toBe(200);
    }
    const past = await api('PUT', `/v1/messages/${sent.id}/reactions/r50`, { token: alice.token });
    expect(past.status).toBe(422);
    expect(past.body.details[0].field).toBe('emoji');
    const more = await api('PUT', `/v1/messages/${sent.id}/reactions/r7`, { token: bob.token });
    expect(more.status).toBe(200);
    expect(more.body.reactions).toHaveLength(50);
    expect(more.body.reactions[7]).toEqual({ emoji: 'r7', count: 2, conversation_ids: [alice.conversationId, bob.conversationId] });
  });
});

describe('messages: pins', () => {
  afterAll(closeStores);

  it('lets any member pin and unpin, tells every device, lists the pins newest first page by page, and a repeat changes and tells nothing', async () => {
    const accountId = newAccountId();
    const [alice, bob, carol] = [await newMember(accountId, ['conversation', 'conversation.admin']), await newMember(accountId), await newMember(accountId)];
    const channel = await api('POST', '/v1/rooms', { token: alice.token, body: { type: 'channel', name: `pins-${Date.now()}`, members: [bob.conversationId, carol.conversationId] } });
    const roomId = channel.body.id;
    const agenda = await send(alice, roomId, 'the agenda');
    const rules = await send(alice, roomId, 'house rules');
    const carolSocket = await connectSocket(carol.token);
    const updates = collect(carolSocket, 'message_updated');
    try {
      const pinned = await api('PUT', `/v1/messages/${agenda.id}/pin`, { token: bob.token });
      expect(pinned.status).toBe(200);
      expect(pinned.body.pinned).toEqual({ conversation_id: bob.conversationId, at: expect.any(String) });
      expect(pinned.body.rev).toBeGreaterThan(agenda.rev);
      const again = await api('PUT', `/v1/messages/${agenda.id}/pin`, { token: alice.token });
      expect(again.body.pinned).toEqual(pinned.body.pinned);
      expect(await updatedEvents(agenda.id)).toHaveLength(1);
      expect((await api('PUT', `/v1/messages/${rules.id}/pin`, { token: alice.token })).status).toBe(200);

      const pins = await api('GET', `/v1/rooms/${roomId}/pins`, { token: carol.token });
      expect(pins.status).toBe(200);
      expect(pins.body.data.map((message: { id: string }) => message.id)).toEqual([rules.id, agenda.id]);
      const first = await api('GET', `/v1/rooms/${roomId}/pins?limit=1`, { token: carol.token });
      expect(first.body.data.map((message: { id: string }) => message.id)).toEqual([rules.id]);
      const second = await api('GET', `/v1/rooms/${roomId}/pins?limit=1&before=${encodeURIComponent(first.body.next)}`, { token: carol.token });
      expect(second.body.data.map((message: { id: string }) => message.id)).toEqual([agenda.id]);
      expect(second.body.next).toBeNull();

      // Anyone in the room unpins, a pin Alice set too; unpinning again is a no-op.
      const unpinned = await api('DELETE', `/v1/messages/${rules.id}/pin`, { token: bob.token });
      expect(unpinned.status).toBe(200);
      expect(unpinned.body.pinned).toBeUndefined();
      expect((await api('DELETE', `/v1/messages/${rules.id}/pin`, { token: bob.token })).status).toBe(200);
      expect(await updatedEvents(rules.id)).toHaveLength(2);
      expect((await api('GET', `/v1/rooms/${roomId}/pins`, { token: carol.token })).body.data.map((message: { id: string }) => message.id)).toEqual([agenda.id]);

      await eventually(() => updates, (pushes) => pushes.length === 3, 'three message_updated pushes to carol');
      expect(updates.map((push) => [push.message.id, push.message.pinned?.conversation_id ?? null])).toEqual([
        [agenda.id, bob.conversationId],
        [rules.id, alice.conversationId],
        [rules.id, null],
      ]);
      // A device back from a gap sees the pin as a change.
      const changes = await api('GET', `/v1/rooms/${roomId}/messages?changed_after=${rules.rev}`, { token: carol.token });
      expect(changes.body.data.map((message: { id: string; pinned?: unknown }) => [message.id, !!message.pinned])).toEqual([
        [rules.id, false],
        [agenda.id, true],
      ]);

      // Deleted for everyone, a message is no longer pinned anywhere.
      expect((await api('DELETE', `/v1/messages/${agenda.id}?for=everyone`, { token: alice.token })).status).toBe(204);
      expect((await api('GET', `/v1/rooms/${roomId}/pins`, { token: carol.token })).body.data).toEqual([]);
      expect((await api('GET', `/v1/rooms/${roomId}/messages`, { token: carol.token })).body.data.find((message: { id: string }) => message.id === agenda.id).pinned).toBeUndefined();
      expect((await api('PUT', `/v1/messages/${agenda.id}/pin`, { token: bob.token })).status).toBe(409);
      // Unpinning it holds already: an answer, not an error.
      const unpinDeleted = await api('DELETE', `/v1/messages/${agenda.id}/pin`, { token: bob.token });
      expect(unpinDeleted.status).toBe(200);
      expect(unpinDeleted.body).toMatchObject({ id: agenda.id, deleted: true });
      expect(unpinDeleted.body.pinned).toBeUndefined();
    } finally {
      carolSocket.disconnect();
    }
  });

  it('refuses a pin by a non-member (403) or another account (404), a listing message (409), a 101st pin in a room (422), and lists pins to members only, writing nothing', async () => {
    const { alice, bob, roomId } = await newDirectRoom();
    const sent = await send(alice, roomId, 'pin me');
    const outsider = await newMember(alice.accountId);
    const foreign = await newMember();
    const before = await footprint(alice.accountId);
    expect((await api('PUT', `/v1/messages/${sent.id}/pin`, { token: outsider.token })).status).toBe(403);
    expect((await api('PUT', `/v1/messages/${sent.id}/pin`, { token: foreign.token })).status).toBe(404);
    expect((await api('PUT', '/v1/messages/nope/pin', { token: bob.token })).status).toBe(400);
    expect((await api('GET', `/v1/rooms/${roomId}/pins`, { token: outsider.token })).status).toBe(403);
    expect((await api('GET', `/v1/rooms/${roomId}/pins`, { token: foreign.token })).status).toBe(404);
    expect((await api('GET', `/v1/rooms/${roomId}/pins?before=x&after=y`, { token: bob.token })).status).toBe(422);
    expect(await footprint(alice.accountId)).toEqual(before);

    const listing = await api('POST', '/v1/rooms', { token: alice.token, body: { type: 'listing', member: bob.conversationId, listing_id: `listing-${Date.now()}` } });
    const offer = await send(alice, listing.body.id, 'still for sale?');
    expect((await api('PUT', `/v1/messages/${offer.id}/pin`, { token: bob.token })).status).toBe(409);

    for (let index = 0; index < 100; index++) {
      const message = index === 0 ? sent : await send(alice, roomId, `note ${index}`);
      expect((await api('PUT', `/v1/messages/${message.id}/pin`, { token: bob.token })).status).toBe(200);
    }
    const extra = await send(alice, roomId, 'one too many');
    const past = await api('PUT', `/v1/messages/${extra.id}/pin`, { token: bob.token });
    expect(past.status).toBe(422);
    expect((await api('GET', `/v1/rooms/${roomId}/pins?limit=100`, { token: alice.token })).body.data).toHaveLength(100);
    // Unpinning one makes room for it.
    expect((await api('DELETE', `/v1/messages/${sent.id}/pin`, { token: alice.token })).status).toBe(200);
    expect((await api('PUT', `/v1/messages/${extra.id}/pin`, { token: bob.token })).status).toBe(200);
  });
});

describe('messages: favorites', () => {
  afterAll(closeStores);

  it('favorites idempotently, lists newest favorited first with cursors, unfavorites softly', async () => {
    const { alice, bob, roomId } = await newDirectRoom();
    const [one, two, three] = [await send(alice, roomId, 'one'), await send(alice, roomId, 'two'), await send(alice, roomId, 'three')];
    for (const message of [two, one, three]) {
      expect((await api('PUT', `/v1/messages/${message.id}/favorite`, { token: bob.token })).status).toBe(204);
    }
    expect((await api('PUT', `/v1/messages/${two.id}/favorite`, { token: bob.token })).status).toBe(204);
    const db = await database();
    expect(await db.collection('conversations.message_favorites').countDocuments({ account_id: bob.accountId })).toBe(3);

    const first = (await api('GET', '/v1/messages/favorites?limit=2', { token: bob.token })).body;
    expect(first.data.map((favorite: { message: { content: string } }) => favorite.message.content)).toEqual(['three', 'one']);
    expect(first.data[0]).toMatchObject({ message_id: three.id, room_id: roomId, favorited_at: expect.any(String) });
    const second = (await api('GET', `/v1/messages/favorites?limit=2&before=${first.next}`, { token: bob.token })).body;
    expect(second.data.map((favorite: { message_id: string }) => favorite.message_id)).toEqual([two.id]);
    expect(second.next).toBeNull();
    expect((await api('GET', '/v1/messages/favorites', { token: alice.token })).body.data).toEqual([]);

    expect((await api('DELETE', `/v1/messages/${one.id}/favorite`, { token: bob.token })).status).toBe(204);
    expect((await api('DELETE', `/v1/messages/${one.id}/favorite`, { token: bob.token })).status).toBe(204);
    const after = (await api('GET', '/v1/messages/favorites', { token: bob.token })).body;
    expect(after.data.map((favorite: { message_id: string }) => favorite.message_id)).toEqual([three.id, two.id]);
    expect(await db.collection('conversations.message_favorites').findOne({ account_id: bob.accountId, message_id: new ObjectId(one.id) })).toMatchObject({ deleted: true });

    // Favoriting again brings it back on top.
    await api('PUT', `/v1/messages/${one.id}/favorite`, { token: bob.token });
    const revived = (await api('GET', '/v1/messages/favorites', { token: bob.token })).body;
    expect(revived.data.map((favorite: { message_id: string }) => favorite.message_id)).toEqual([one.id, three.id, two.id]);
  });

  it("tells the caller's other devices, and nobody else, when they favorite or unfavorite a message; a repeat tells nobody", async () => {
    const { alice, bob, roomId } = await newDirectRoom();
    const sent = await send(alice, roomId, 'worth keeping');
    const [bobOther, aliceSocket] = [await connectSocket(bob.token), await connectSocket(alice.token)];
    const bobUpdates = collect(bobOther, 'message_updated');
    const aliceUpdates = collect(aliceSocket, 'message_updated');
    try {
      expect((await api('PUT', `/v1/messages/${sent.id}/favorite`, { token: bob.token })).status).toBe(204);
      await eventually(() => bobUpdates, (pushes) => pushes.length >= 1, 'the favorite on Bob’s other device');
      expect(bobUpdates[0]).toMatchObject({ event: 'message_updated', room_id: roomId, favorite: true, message: { id: sent.id, content: 'worth keeping' } });
      // Again: nothing changed, nothing told; then the unfavorite is.
      expect((await api('PUT', `/v1/messages/${sent.id}/favorite`, { token: bob.token })).status).toBe(204);
      expect((await api('DELETE', `/v1/messages/${sent.id}/favorite`, { token: bob.token })).status).toBe(204);
      await eventually(() => bobUpdates, (pushes) => pushes.length >= 2, 'the unfavorite on Bob’s other device');
      // Alice's edit is the next thing both hear: whatever came before it has arrived.
      expect((await api('PATCH', `/v1/messages/${sent.id}`, { token: alice.token, body: { content: 'edited' } })).status).toBe(200);
      await eventually(() => aliceUpdates, (pushes) => pushes.some((push) => push.message?.content === 'edited'), 'the edit on Alice’s device');
      await eventually(() => bobUpdates, (pushes) => pushes.some((push) => push.message?.content === 'edited'), 'the edit on Bob’s device');
      expect(bobUpdates.map((push) => push.favorite)).toEqual([true, false, undefined]);
      expect(aliceUpdates.filter((push) => push.favorite !== undefined)).toEqual([]);
    } finally {
      bobOther.disconnect();
      aliceSocket.disconnect();
    }
  });

  it('gives a non-member 403 and another account 404 on favorites, writing nothing', async () => {
    const { alice, roomId } = await newDirectRoom();
    const sent = await send(alice, roomId, 'private');
    const stranger = await newMember(alice.accountId);
    const outsider = await newMember(newAccountId());
    const before = await footprint(alice.accountId);
    const byStranger = await api('PUT', `/v1/messages/${sent.id}/favorite`, { token: stranger.token });
    const byOutsider = await api('PUT', `/v1/messages/${sent.id}/favorite`, { token: outsider.token });
    const unknown = await api('PUT', '/v1/messages/65a1b2c3d4e5f60718293a4b/favorite', { token: alice.token });
    const badCursor = await api('GET', '/v1/messages/favorites?after=zzz', { token: alice.token });
    expect([byStranger.status, byOutsider.status, unknown.status, badCursor.status]).toEqual([403, 404, 404, 400]);
    expect(badCursor.body.details[0].field).toBe('after');
    expect(await footprint(alice.accountId)).toEqual(before);
  });
});

describe('messages: attachments', () => {
  afterAll(closeStores);

  it('accepts ten attachments within the size limit and gives one over it a 413 naming it, storing nothing', async () => {
    const { alice, roomId } = await newDirectRoom();
    // Links (files kept elsewhere): stored files are checked against the bucket (test/attachments.e2e-spec.ts).
    const attachment = (size: number) => ({ name: 'f.bin', size, content_type: 'application/octet-stream', url: 'https://files.example/f.bin' });
    const ten = await api('POST', `/v1/rooms/${roomId}/messages`, {
      token: alice.token,
      body: { content: 'ten files', attachments: Array.from({ length: 10 }, () => attachment(25 * 1024 * 1024)) },
    });
    expect(ten.status).toBe(201);
    expect(ten.body.attachments).toHaveLength(10);

    const before = await footprint(alice.accountId);
    const tooBig = await api('POST', `/v1/rooms/${roomId}/messages`, {
      token: alice.token,
      body: { content: 'huge', attachments: [attachment(10), attachment(25 * 1024 * 1024 + 1)] },
    });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE', error: 'Payload Too Large' });
    expect(tooBig.body.details.map((detail: { field: string }) => detail.field)).toEqual(['attachments.1.size']);
    const noLink = await api('POST', `/v1/rooms/${roomId}/messages`, {
      token: alice.token,
      body: { content: 'x', attachments: [{ name: 'f', size: 1, content_type: 'text/plain' }] },
    });
    expect(noLink.status).toBe(400);
    expect(noLink.body.details[0].field).toBe('attachments.0.url');
    expect(await footprint(alice.accountId)).toEqual(before);
  });
});

describe('messages: search on a database from before plain-text search', () => {
  afterAll(closeStores);

  it('fills in the search text of older messages once messaging starts, and replaces the old index over the markup', async () => {
    const { alice, roomId } = await newDirectRoom();
    const old = await send(alice, roomId, '<b>vintage</b> record player, barely used');
    const db = await database();
    const messages = db.collection('conversations.messages');
    await restartApp('messaging', {}, {
      whileStopped: async () => {
        // As an earlier version left it: no plain text, the text index over the stored HTML, no migration run.
        await messages.updateOne({ _id: new ObjectId(old.id) }, { $unset: { plain_text: '' } });
        await messages.dropIndex('account_id_1_plain_text_text');
        await messages.createIndex({ account_id: 1, content: 'text' });
        await db.collection('messaging.migrations').deleteMany({});
      },
    });
    const textIndexes = async () => (await messages.indexes()).filter((index) => index.key._fts === 'text').map((index) => index.name);
    await eventually(textIndexes, (names) => JSON.stringify(names) === JSON.stringify(['account_id_1_plain_text_text']), 'the text index over the plain text only');
    await eventually(
      async () => contents((await api('GET', `/v1/rooms/${roomId}/messages?q=vintage`, { token: alice.token })).body),
      (found) => found.length === 1 && found[0] === old.content,
      'the older message found by its text',
    );
    expect(await messages.findOne({ _id: new ObjectId(old.id) })).toMatchObject({ plain_text: 'vintage record player, barely used' });
    expect(await db.collection('messaging.migrations').findOne({ _id: 'message-plain-text' as never })).toMatchObject({ done_at: expect.any(Date) });
  });
});
