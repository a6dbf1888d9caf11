import { afterAll, describe, expect, it } from '@jest/globals';
import {
  api,
  closeStores,
  collect,
  connectSocket,
  documentsOfAccount,
  eventually,
  newAccountId,
  newDirectRoom,
  newMember,
  type TestMember,
} from '@parley/testing';

async function send(user: TestMember, roomId: string, content: string, mentions?: string[]): Promise<{ id: string; seq: number; mentions?: string[] }> {
  const response = await api('POST', `/v1/rooms/${roomId}/messages`, { token: user.token, body: { content, ...(mentions ? { mentions } : {}) } });
  expect(response.status).toBe(201);
  return response.body;
}

/** The member's unread and mention counts of a room, as GET /v1/rooms/:id shows them. */
async function countsOf(user: TestMember, roomId: string): Promise<{ unread: number; mentions: number }> {
  const room = await api('GET', `/v1/rooms/${roomId}`, { token: user.token });
  expect(room.status).toBe(200);
  return { unread: room.body.unread_count, mentions: room.body.mention_count };
}

/** Waits until rooms has counted the member's badges of a room to what is expected. */
async function countsBecome(user: TestMember, roomId: string, expected: { unread: number; mentions: number }, what: string): Promise<void> {
  await eventually(() => countsOf(user, roomId), (counts) => counts.unread === expected.unread && counts.mentions === expected.mentions, what);
}

async function newChannel(): Promise<{ alice: TestMember; bob: TestMember; carol: TestMember; roomId: string; accountId: string }> {
  const accountId = newAccountId();
  const [alice, bob, carol] = [await newMember(accountId, ['conversation', 'conversation.admin']), await newMember(accountId), await newMember(accountId)];
  const channel = await api('POST', '/v1/rooms', { token: alice.token, body: { type: 'channel', name: `mentions-${Date.now()}`, members: [bob.conversationId, carol.conversationId] } });
  expect(channel.status).toBe(201);
  return { alice, bob, carol, roomId: channel.body.id, accountId };
}

describe('mentions', () => {
  afterAll(closeStores);

  it("counts a mention in the mentioned member's mention_count while it is unread, pushes it, filters rooms by it, and a read clears it", async () => {
    const { alice, bob, carol, roomId } = await newChannel();
    const bobSocket = await connectSocket(bob.token);
    const bobUpdates = collect(bobSocket, 'room_updated');
    const bobMessages = collect(bobSocket, 'new_message');
    try {
      const first = await send(alice, roomId, '@bob can you look?', [bob.conversationId]);
      expect(first.mentions).toEqual([bob.conversationId]);
      await send(alice, roomId, 'no one in particular');
      const third = await send(alice, roomId, '@bob @carol standup', [bob.conversationId, carol.conversationId]);

      await countsBecome(bob, roomId, { unread: 3, mentions: 2 }, 'bob: 3 unread, 2 mentioning him');
      await countsBecome(carol, roomId, { unread: 3, mentions: 1 }, 'carol: 3 unread, 1 mentioning her');
      expect(await countsOf(alice, roomId)).toEqual({ unread: 0, mentions: 0 });

      // Every read shows whom a message mentions, and so does its push.
      const page = await api('GET', `/v1/rooms/${roomId}/messages`, { token: carol.token });
      expect(page.body.data.map((message: { mentions?: string[] }) => message.mentions ?? null)).toEqual([
        [bob.conversationId, carol.conversationId],
        null,
        [bob.conversationId],
      ]);
      await eventually(() => bobMessages, (pushes) => pushes.length === 3, 'three new_message pushes to bob');
      expect(bobMessages.map((push) => push.message.mentions ?? null)).toEqual([[bob.conversationId], null, [bob.conversationId, carol.conversationId]]);
      await eventually(() => bobUpdates, (pushes) => pushes.some((push) => push.room_id === roomId && push.unread_count === 3 && push.mention_count === 2), "bob's badge pushed with 2 mentions");

      // Lists of rooms pick out the ones that mention the caller.
      const direct = await api('POST', '/v1/rooms', { token: alice.token, body: { type: 'direct', member: bob.conversationId } });
      expect(direct.status).toBe(201);
      const quiet = direct.body.id;
      const mentioned = await api('GET', '/v1/rooms?mentioned=true', { token: bob.token });
      expect(mentioned.status).toBe(200);
      expect(mentioned.body.data.map((room: { id: string }) => room.id)).toEqual([roomId]);
      const others = await api('GET', '/v1/rooms?mentioned=false', { token: bob.token });
      expect(others.body.data.map((room: { id: string }) => room.id)).toEqual([quiet]);

      // Reading up to the first message leaves the later mention counted; reading to the end clears both badges.
      expect((await api('POST', `/v1/rooms/${roomId}/read`, { token: bob.token, body: { messageId: first.id } })).status).toBe(200);
      await countsBecome(bob, roomId, { unread: 2, mentions: 1 }, 'bob after reading the first message');
      expect((await api('POST', `/v1/rooms/${roomId}/read`, { token: bob.token, body: { messageId: third.id } })).status).toBe(200);
      await countsBecome(bob, roomId, { unread: 0, mentions: 0 }, 'bob after reading everything');
      await eventually(() => bobUpdates, (pushes) => pushes.at(-1)?.unread_count === 0 && pushes.at(-1)?.mention_count === 0, "bob's cleared badge pushed");
      expect((await api('GET', '/v1/rooms?mentioned=true', { token: bob.token })).body.data).toEqual([]);
      // Carol has read nothing: her mention stays.
      expect(await countsOf(carol, roomId)).toEqual({ unread: 3, mentions: 1 });
    } finally {
      bobSocket.disconnect();
    }
  });

  it('takes a mention back with its message: deleted for everyone, or hidden by the member it mentions', async () => {
    const { alice, bob, carol, roomId } = await newChannel();
    const forBob = await send(alice, roomId, '@bob look', [bob.conversationId]);
    const forCarol = await send(alice, roomId, '@carol look', [carol.conversationId]);
    await countsBecome(bob, roomId, { unread: 2, mentions: 1 }, 'bob counted');
    await countsBecome(carol, roomId, { unread: 2, mentions: 1 }, 'carol counted');

    expect((await api('DELETE', `/v1/messages/${forBob.id}?for=everyone`, { token: alice.token })).status).toBe(204);
    await countsBecome(bob, roomId, { unread: 1, mentions: 0 }, "bob's mention gone with the message");
    await countsBecome(carol, roomId, { unread: 1, mentions: 1 }, 'carol keeps hers');
    const gone = await api('GET', `/v1/rooms/${roomId}/messages`, { token: bob.token });
    expect(gone.body.data.find((message: { id: string }) => message.id === forBob.id)).toMatchObject({ deleted: true, content: '' });
    expect(gone.body.data.find((message: { id: string }) => message.id === forBob.id).mentions).toBeUndefined();

    expect((await api('DELETE', `/v1/messages/${forCarol.id}?for=me`, { token: carol.token })).status).toBe(204);
    await countsBecome(carol, roomId, { unread: 0, mentions: 0 }, "carol's mention gone with the message she hid");
    expect(await countsOf(bob, roomId)).toEqual({ unread: 1, mentions: 0 });
  });

  it('lists the messages that mention the caller across their rooms, newest first and paged, without deleted or hidden ones, a support note to its team too', async () => {
    const { alice, bob, carol, roomId, accountId } = await newChannel();
    const direct = await api('POST', '/v1/rooms', { token: alice.token, body: { type: 'direct', member: bob.conversationId } });
    const inChannel = await send(alice, roomId, '@bob in the channel', [bob.conversationId]);
    await send(alice, roomId, '@carol only', [carol.conversationId]);
    const inDirect = await send(alice, direct.body.id, '@bob in private', [bob.conversationId]);
    const deleted = await send(alice, roomId, '@bob never mind', [bob.conversationId]);
    const hidden = await send(alice, roomId, '@bob hide me', [bob.conversationId]);
    expect((await api('DELETE', `/v1/messages/${deleted.id}?for=everyone`, { token: alice.token })).status).toBe(204);
    expect((await api('DELETE', `/v1/messages/${hidden.id}?for=me`, { token: bob.token })).status).toBe(204);

    const mentions = await api('GET', '/v1/messages/mentions', { token: bob.token });
    expect(mentions.status).toBe(200);
    expect(mentions.body.data.map((message: { id: string; room_id: string }) => [message.id, message.room_id])).toEqual([
      [inDirect.id, direct.body.id],
      [inChannel.id, roomId],
    ]);
    const first = await api('GET', '/v1/messages/mentions?limit=1', { token: bob.token });
    expect(first.body.data.map((message: { id: string }) => message.id)).toEqual([inDirect.id]);
    const second = await api('GET', `/v1/messages/mentions?limit=1&before=${encodeURIComponent(first.body.next)}`, { token: bob.token });
    expect(second.body.data.map((message: { id: string }) => message.id)).toEqual([inChannel.id]);
    // Read or not, a mention stays in the list; alice, who mentioned, has none.
    expect((await api('POST', `/v1/rooms/${roomId}/read`, { token: bob.token, body: { messageId: inChannel.id } })).status).toBe(200);
    expect((await api('GET', '/v1/messages/mentions', { token: bob.token })).body.data).toHaveLength(2);
    expect((await api('GET', '/v1/messages/mentions', { token: alice.token })).body.data).toEqual([]);
    expect((await api('GET', '/v1/messages/mentions?before=x&after=y', { token: bob.token })).status).toBe(422);

    // A support room's team reads it without being members: a colleague's note mentions them all the same.
    const admin = await newMember(accountId, ['conversation', 'conversation.admin', 'conversation.support']);
    const [ann, ben] = [await newMember(accountId, ['conversation', 'conversation.support']), await newMember(accountId, ['conversation', 'conversation.support'])];
    const inbox = await api('POST', '/v1/support/inboxes', { token: admin.token, body: { name: `Help ${Date.now()}`, members: [ann.conversationId, ben.conversationId] } });
    expect(inbox.status).toBe(201);
    const supportRoom = await api('POST', '/v1/support/rooms', { token: admin.token, body: { inbox_id: inbox.body.id, contact: { email: `c${Date.now()}@example.com` }, content: 'Hi team' } });
    expect(supportRoom.status).toBe(201);
    const note = await api('POST', `/v1/rooms/${supportRoom.body.id}/messages`, { token: ben.token, body: { content: '@ann VIP customer', private: true, mentions: [ann.conversationId] } });
    expect(note.status).toBe(201);
    expect((await api('GET', '/v1/messages/mentions', { token: ann.token })).body.data.map((message: { id: string }) => message.id)).toEqual([note.body.id]);
  });

  it('mentions everyone who reads the room with mention_everyone: each member but the author counts it, a snoozed one quietly, and a delete takes it off', async () => {
    const { alice, bob, carol, roomId } = await newChannel();
    expect((await api('PUT', `/v1/rooms/${roomId}/snooze`, { token: carol.token, body: { duration_minutes: 60 } })).status).toBe(200);
    const carolSocket = await connectSocket(carol.token);
    const carolPushes = collect(carolSocket, 'new_message');
    try {
      const everyone = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: '@channel standup in 5', mention_everyone: true, mentions: [bob.conversationId] } });
      expect(everyone.status).toBe(201);
      expect(everyone.body).toMatchObject({ mention_everyone: true, mentions: [bob.conversationId] });
      await send(alice, roomId, 'plain');
      await countsBecome(bob, roomId, { unread: 2, mentions: 1 }, 'bob: named and @channel count once');
      await countsBecome(carol, roomId, { unread: 2, mentions: 1 }, 'carol counted the @channel');
      expect(await countsOf(alice, roomId)).toEqual({ unread: 0, mentions: 0 });
      await eventually(() => carolPushes, (pushes) => pushes.length === 2, 'both messages pushed to carol');
      expect(carolPushes[0]).toMatchObject({ snoozed: true, message: { id: everyone.body.id, mention_everyone: true } });

      const carolMentions = (await api('GET', '/v1/messages/mentions', { token: carol.token })).body.data;
      expect(carolMentions.map((message: { id: string }) => message.id)).toEqual([everyone.body.id]);
      expect((await api('GET', '/v1/messages/mentions', { token: alice.token })).body.data).toEqual([]);

      expect((await api('DELETE', `/v1/messages/${everyone.body.id}?for=everyone`, { token: alice.token })).status).toBe(204);
      await countsBecome(carol, roomId, { unread: 1, mentions: 0 }, 'carol after the delete');
      await countsBecome(bob, roomId, { unread: 1, mentions: 0 }, 'bob after the delete');
    } finally {
      carolSocket.disconnect();
    }
    const listing = await api('POST', '/v1/rooms', { token: alice.token, body: { type: 'listing', member: bob.conversationId, listing_id: `listing-${Date.now()}` } });
    const inListing = await api('POST', `/v1/rooms/${listing.body.id}/messages`, { token: alice.token, body: { content: 'hi', mention_everyone: true } });
    expect(inListing.status).toBe(422);
    expect(inListing.body.details).toEqual([expect.objectContaining({ field: 'mention_everyone' })]);
    const notBoolean = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'hi', mention_everyone: 'yes' } });
    expect(notBoolean.status).toBe(400);
  });

  it('tells a member who snoozed the room aloud when a message mentions them, and quietly otherwise', async () => {
    const { alice, bob, roomId } = await newChannel();
    expect((await api('PUT', `/v1/rooms/${roomId}/snooze`, { token: bob.token, body: { duration_minutes: 60 } })).status).toBe(200);
    const bobSocket = await connectSocket(bob.token);
    const pushes = collect(bobSocket, 'new_message');
    try {
      const plain = await send(alice, roomId, 'lunch?');
      const mention = await send(alice, roomId, '@bob the build broke', [bob.conversationId]);
      await eventually(() => pushes, (received) => received.length === 2, 'both messages pushed to bob');
      expect(pushes.map((push) => [push.message.id, push.snoozed ?? false])).toEqual([
        [plain.id, true],
        [mention.id, false],
      ]);
    } finally {
      bobSocket.disconnect();
    }
  });

  it('refuses a mention of someone who cannot read the room, any in a listing room, a malformed or repeated id (422, 400), writing nothing', async () => {
    const { alice, bob, roomId, accountId } = await newChannel();
    const outsider = await newMember(accountId);
    const stranger = await newMember();
    const before = await documentsOfAccount(accountId);

    const notMember = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'hi', mentions: [bob.conversationId, outsider.conversationId] } });
    expect(notMember.status).toBe(422);
    expect(notMember.body.details).toEqual([expect.objectContaining({ field: 'mentions' })]);
    const otherAccount = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'hi', mentions: [stranger.conversationId] } });
    expect(otherAccount.status).toBe(422);
    for (const mentions of [['nope'], [bob.conversationId, bob.conversationId], bob.conversationId, Array.from({ length: 101 }, () => bob.conversationId)]) {
      const refused = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'hi', mentions } });
      expect(refused.status).toBe(400);
      expect(refused.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'mentions' })]));
    }
    expect(await documentsOfAccount(accountId)).toEqual(before);

    const listing = await api('POST', '/v1/rooms', { token: alice.token, body: { type: 'listing', member: bob.conversationId, listing_id: `listing-${Date.now()}` } });
    expect(listing.status).toBe(201);
    const inListing = await api('POST', `/v1/rooms/${listing.body.id}/messages`, { token: alice.token, body: { content: 'still for sale?', mentions: [bob.conversationId] } });
    expect(inListing.status).toBe(422);
    expect(inListing.body.details).toEqual([expect.objectContaining({ field: 'mentions' })]);
  });
});

describe('marking a room unread', () => {
  afterAll(closeStores);

  it("counts the messages from the one marked on as unread again for the caller alone, tells only their devices, and keeps the receipt the others saw", async () => {
    const { alice, bob, roomId } = await newDirectRoom();
    const first = await send(alice, roomId, 'one');
    const second = await send(alice, roomId, '@bob two', [bob.conversationId]);
    const third = await send(alice, roomId, 'three');
    await countsBecome(bob, roomId, { unread: 3, mentions: 1 }, 'bob counted all three');
    expect((await api('POST', `/v1/rooms/${roomId}/read`, { token: bob.token, body: { messageId: third.id } })).status).toBe(200);
    const aliceSocket = await connectSocket(alice.token);
    const receipts = collect(aliceSocket, 'read_receipt');
    const aliceUpdates = collect(aliceSocket, 'room_updated');
    const bobSocket = await connectSocket(bob.token);
    const bobUpdates = collect(bobSocket, 'room_updated');
    const receiptOf = async () => (await api('GET', `/v1/rooms/${roomId}`, { token: alice.token })).body.members.find((member: { conversation_id: string }) => member.conversation_id === bob.conversationId).last_message_read;
    try {
      const marked = await api('POST', `/v1/rooms/${roomId}/unread`, { token: bob.token, body: { messageId: second.id } });
      expect(marked.status).toBe(200);
      expect(marked.body).toMatchObject({ id: roomId, unread_count: 2, mention_count: 1 });
      await eventually(() => bobUpdates, (pushes) => pushes.some((push) => push.unread_count === 2 && push.mention_count === 1), "bob's other devices told");
      // Alice still sees that Bob read everything, and is told nothing.
      expect(await receiptOf()).toBe(third.id);
      expect(await countsOf(alice, roomId)).toEqual({ unread: 0, mentions: 0 });

      // Reading up to a message short of the receipt moves Bob's badge, not the receipt.
      expect((await api('POST', `/v1/rooms/${roomId}/read`, { token: bob.token, body: { messageId: second.id } })).body).toMatchObject({ unread_count: 1, mention_count: 0 });
      expect(await receiptOf()).toBe(third.id);
      // A message Bob has not read yet is unread already: marking from it changes nothing.
      const fourth = await send(alice, roomId, 'four');
      await countsBecome(bob, roomId, { unread: 2, mentions: 0 }, 'bob counted the fourth');
      expect((await api('POST', `/v1/rooms/${roomId}/unread`, { token: bob.token, body: { messageId: fourth.id } })).body).toMatchObject({ unread_count: 2 });
      // Reading past the receipt moves it, and Alice hears of that one only.
      expect((await api('POST', `/v1/rooms/${roomId}/read`, { token: bob.token, body: { messageId: fourth.id } })).body).toMatchObject({ unread_count: 0 });
      expect(await receiptOf()).toBe(fourth.id);
      await eventually(() => receipts, (pushes) => pushes.some((push) => push.message_id === fourth.id), 'the receipt of the fourth message');
      expect(receipts.map((push) => push.message_id)).toEqual([fourth.id]);
      expect(aliceUpdates.filter((push) => push.unread_count !== 0)).toEqual([]);
      // From the first message on: all four are unread again.
      expect((await api('POST', `/v1/rooms/${roomId}/unread`, { token: bob.token, body: { messageId: first.id } })).body).toMatchObject({ unread_count: 4, mention_count: 1 });
    } finally {
      aliceSocket.disconnect();
      bobSocket.disconnect();
    }
  });

  it('counts only what a member who joined later was sent, refuses marking unread from before they joined (422), and never moves their receipt back', async () => {
    const { alice, bob, roomId, accountId } = await newChannel();
    const before = [await send(alice, roomId, 'old 1'), await send(alice, roomId, 'old 2')];
    const dave = await newMember(accountId);
    expect((await api('POST', `/v1/rooms/${roomId}/members`, { token: alice.token, body: { members: [dave.conversationId] } })).status).toBe(200);
    const receiptOfDave = async () =>
      (await api('GET', `/v1/rooms/${roomId}`, { token: bob.token })).body.members.find((member: { conversation_id: string }) => member.conversation_id === dave.conversationId).last_message_read;
    expect(await receiptOfDave()).toBe(before[1].id);

    const fromBefore = await api('POST', `/v1/rooms/${roomId}/unread`, { token: dave.token, body: { messageId: before[0].id } });
    expect(fromBefore.status).toBe(422);
    expect(fromBefore.body.details).toEqual([expect.objectContaining({ field: 'messageId' })]);
    expect(await countsOf(dave, roomId)).toEqual({ unread: 0, mentions: 0 });

    const after = [await send(alice, roomId, 'new 1', [dave.conversationId]), await send(alice, roomId, 'new 2')];
    await countsBecome(dave, roomId, { unread: 2, mentions: 1 }, 'dave counted what came after he joined');
    expect((await api('POST', `/v1/rooms/${roomId}/read`, { token: dave.token, body: { messageId: after[1].id } })).status).toBe(200);
    expect((await api('POST', `/v1/rooms/${roomId}/unread`, { token: dave.token, body: { messageId: after[0].id } })).body).toMatchObject({ unread_count: 2, mention_count: 1 });
    // Reading an old message he was never sent moves nothing, the receipt least of all.
    expect((await api('POST', `/v1/rooms/${roomId}/read`, { token: dave.token, body: { messageId: before[0].id } })).body).toMatchObject({ unread_count: 2 });
    expect(await receiptOfDave()).toBe(after[1].id);
    expect((await api('POST', `/v1/rooms/${roomId}/read`, { token: dave.token, body: { messageId: after[0].id } })).body).toMatchObject({ unread_count: 1, mention_count: 0 });
    expect(await receiptOfDave()).toBe(after[1].id);
  });

  it('refuses a listing room (409), a message of another room (422), a malformed id (400), a non-member (403) and another account (404), writing nothing', async () => {
    const { alice, bob, roomId, accountId } = await newChannel();
    const sent = await send(alice, roomId, 'hello');
    const elsewhere = await newDirectRoom(accountId);
    const otherMessage = await send(elsewhere.alice, elsewhere.roomId, 'not in the channel');
    const outsider = await newMember(accountId);
    const stranger = await newMember();
    const listing = await api('POST', '/v1/rooms', { token: alice.token, body: { type: 'listing', member: bob.conversationId, listing_id: `listing-${Date.now()}` } });
    const listingMessage = await send(alice, listing.body.id, 'still for sale?');
    await countsBecome(bob, roomId, { unread: 1, mentions: 0 }, 'bob counted');
    expect((await api('POST', `/v1/rooms/${roomId}/read`, { token: bob.token, body: { messageId: sent.id } })).status).toBe(200);
    const before = await documentsOfAccount(accountId);

    const inListing = await api('POST', `/v1/rooms/${listing.body.id}/unread`, { token: bob.token, body: { messageId: listingMessage.id } });
    expect(inListing.status).toBe(409);
    const wrongRoom = await api('POST', `/v1/rooms/${roomId}/unread`, { token: bob.token, body: { messageId: otherMessage.id } });
    expect(wrongRoom.status).toBe(422);
    expect(wrongRoom.body.details).toEqual([expect.objectContaining({ field: 'messageId' })]);
    const malformed = await api('POST', `/v1/rooms/${roomId}/unread`, { token: bob.token, body: { messageId: 'nope' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.details).toEqual([expect.objectContaining({ field: 'messageId' })]);
    expect((await api('POST', `/v1/rooms/${roomId}/unread`, { token: outsider.token, body: { messageId: sent.id } })).status).toBe(403);
    expect((await api('POST', `/v1/rooms/${roomId}/unread`, { token: stranger.token, body: { messageId: sent.id } })).status).toBe(404);
    expect(await documentsOfAccount(accountId)).toEqual(before);
    expect(await countsOf(bob, roomId)).toEqual({ unread: 0, mentions: 0 });
  });
});
