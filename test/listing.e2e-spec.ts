import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io-client';
import { api, closeStores, collect, connectSocket, database, eventually, newAccountId, newMember, type TestMember } from '@parley/testing';

async function thread(from: TestMember, to: TestMember, listingId: string) {
  return api('POST', '/v1/rooms', { token: from.token, body: { type: 'listing', member: to.conversationId, listing_id: listingId } });
}

async function send(from: TestMember, roomId: string, content: string) {
  const sent = await api('POST', `/v1/rooms/${roomId}/messages`, { token: from.token, body: { content } });
  expect(sent.status).toBe(201);
  return sent.body;
}

describe('listing threads', () => {
  const sockets: Socket[] = [];
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  afterAll(closeStores);

  it('gives one thread for a buyer and a seller about one listing, whoever creates it, even with twenty creates at once from both sides', async () => {
    const accountId = newAccountId();
    const [buyer, seller] = [await newMember(accountId), await newMember(accountId)];
    const listingId = `listing-${Date.now()}`;
    const creates = await Promise.all(Array.from({ length: 20 }, (_, index) => (index % 2 === 0 ? thread(buyer, seller, listingId) : thread(seller, buyer, listingId))));
    expect(new Set(creates.map((created) => created.body.id)).size).toBe(1);
    expect(creates.filter((created) => created.status === 201)).toHaveLength(1);
    expect(await (await database()).collection('conversations.rooms').countDocuments({ account_id: accountId, type: 'listing', listing_id: listingId })).toBe(1);
  });

  it('keeps its two participants (member changes are 409) and its messages immutable (an edit is 409 naming the rule)', async () => {
    const accountId = newAccountId();
    const [buyer, seller, third] = [await newMember(accountId), await newMember(accountId), await newMember(accountId)];
    const room = (await thread(buyer, seller, `l-${Date.now()}`)).body;
    expect((await api('POST', `/v1/rooms/${room.id}/members`, { token: buyer.token, body: { members: [third.conversationId] } })).status).toBe(409);
    expect((await api('DELETE', `/v1/rooms/${room.id}/members/${seller.conversationId}`, { token: buyer.token })).status).toBe(409);
    const message = await send(buyer, room.id, 'Is it still available?');
    const edit = await api('PATCH', `/v1/messages/${message.id}`, { token: buyer.token, body: { content: 'changed my mind' } });
    expect(edit.status).toBe(409);
    expect(edit.body.message).toMatch(/immutable/);
    const reaction = await api('PUT', `/v1/messages/${message.id}/reactions/${encodeURIComponent('👍')}`, { token: seller.token });
    expect(reaction.status).toBe(409);
    const stored = await (await database()).collection('conversations.messages').findOne({ account_id: accountId, room_id: { $exists: true }, content: 'Is it still available?' });
    expect(stored?.edits ?? []).toEqual([]);
  });

  it('marks every message up to the one read as read, with its time, and tells the sender on their sockets', async () => {
    const accountId = newAccountId();
    const [buyer, seller] = [await newMember(accountId), await newMember(accountId)];
    const room = (await thread(buyer, seller, `l-${Date.now()}`)).body;
    const buyerSocket = await connectSocket(buyer.token);
    sockets.push(buyerSocket);
    const receipts = collect(buyerSocket, 'read_receipt');
    const first = await send(buyer, room.id, 'Hello');
    const second = await send(buyer, room.id, 'Can you ship?');
    const third = await send(buyer, room.id, 'Thanks');
    const reply = await send(seller, room.id, 'Yes');
    expect(first.is_read).toBe(false);
    expect((await api('POST', `/v1/rooms/${room.id}/read`, { token: seller.token, body: { messageId: second.id } })).status).toBe(200);
    const messages = await eventually(
      () => api('GET', `/v1/rooms/${room.id}/messages`, { token: buyer.token }),
      (response) => response.body.data?.filter((message: { is_read: boolean }) => message.is_read).length === 2,
      'two messages read',
    );
    const byId = new Map(messages.body.data.map((message: { id: string }) => [message.id, message]));
    expect(byId.get(first.id)).toMatchObject({ is_read: true, read_at: expect.any(String) });
    expect(byId.get(second.id)).toMatchObject({ is_read: true });
    expect(byId.get(third.id)).toMatchObject({ is_read: false, read_at: null });
    // The reader's own message is not theirs to read.
    expect(byId.get(reply.id)).toMatchObject({ is_read: false });
    // The messages read changed together: one change number after the reply's, which a device back from a gap reads.
    const changed = (await api('GET', `/v1/rooms/${room.id}/messages?changed_after=${reply.rev}`, { token: buyer.token })).body;
    expect(changed.data.map((message: { id: string }) => message.id).sort()).toEqual([first.id, second.id].sort());
    expect(changed.data.map((message: { rev: number; is_read: boolean }) => [message.rev, message.is_read])).toEqual([
      [reply.rev + 1, true],
      [reply.rev + 1, true],
    ]);
    await eventually(() => receipts, (pushes) => pushes.some((push) => push.message_id === second.id && push.conversation_id === seller.conversationId), 'the read receipt');
  });

  it('lists a seller\'s threads about one listing, newest message first, with the time of each thread\'s last message', async () => {
    const accountId = newAccountId();
    const seller = await newMember(accountId);
    const [first, second, other] = [await newMember(accountId), await newMember(accountId), await newMember(accountId)];
    const listingId = `l-${Date.now()}`;
    const a = (await thread(first, seller, listingId)).body;
    const b = (await thread(second, seller, listingId)).body;
    await thread(other, seller, `${listingId}-other`);
    await send(second, b.id, 'offer 100');
    const latest = await send(first, a.id, 'offer 120');
    const listed = await eventually(
      () => api('GET', `/v1/rooms?type=listing&listing_id=${listingId}`, { token: seller.token }),
      (response) => response.body.data?.[0]?.last_message_id === latest.id,
      'the newest thread first',
    );
    expect(listed.body.data.map((room: { id: string }) => room.id)).toEqual([a.id, b.id]);
    expect(listed.body.data[0].last_message_at).toBe(latest.created);
  });

  it('applies the account\'s content policy to listing messages: masked details stored masked and named, refused ones a 422 naming the rule', async () => {
    const accountId = newAccountId();
    const admin = await newMember(accountId, ['conversation', 'conversation.admin']);
    const [buyer, seller] = [await newMember(accountId), await newMember(accountId)];
    expect((await api('PUT', '/v1/accounts/me/content-policy', { token: buyer.token, body: { phones: 'mask' } })).status).toBe(403);
    const set = await api('PUT', '/v1/accounts/me/content-policy', { token: admin.token, body: { phones: 'mask', emails: 'mask', links: 'refuse' } });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ phones: 'mask', emails: 'mask', links: 'refuse' });
    expect((await api('PUT', '/v1/accounts/me/content-policy', { token: admin.token, body: { phones: 'hide' } })).status).toBe(400);
    const room = (await thread(buyer, seller, `l-${Date.now()}`)).body;
    const masked = await send(buyer, room.id, 'Call me at (415) 555-0199 or bob@example.com');
    expect(masked.content).toBe('Call me at [phone number hidden] or [email address hidden]');
    expect(masked.policy.masked.sort()).toEqual(['emails', 'phones']);
    const refused = await api('POST', `/v1/rooms/${room.id}/messages`, { token: buyer.token, body: { content: 'pay at https://pay.example/abc' } });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'CONTENT_REFUSED', details: [{ field: 'content' }] });
    expect(refused.body.message).toMatch(/links refuse/);
    // Markup does not hide a detail: it is read in the text the seller would see.
    expect((await send(buyer, room.id, 'call 415<b></b>-555-0199, bob<i></i>@example.com')).content).toBe('call [phone number hidden], [email address hidden]');
    const hiddenLink = await api('POST', `/v1/rooms/${room.id}/messages`, { token: buyer.token, body: { content: '<a href="https://pay.example/abc">here</a>' } });
    expect(hiddenLink.status).toBe(422);
    // A link sent as an attachment is a link too.
    const linkAttached = await api('POST', `/v1/rooms/${room.id}/messages`, {
      token: buyer.token,
      body: { content: 'see the deal', attachments: [{ name: 'deal.pdf', size: 10, content_type: 'application/pdf', url: 'https://pay.example/deal.pdf' }] },
    });
    expect(linkAttached.status).toBe(422);
    expect(linkAttached.body).toMatchObject({ code: 'CONTENT_REFUSED', details: [{ field: 'attachments.0.url' }] });
    const seen = await api('GET', `/v1/rooms/${room.id}/messages`, { token: seller.token });
    expect(seen.body.data.map((message: { content: string }) => message.content)).toEqual([
      'call [phone number hidden], [email address hidden]',
      'Call me at [phone number hidden] or [email address hidden]',
    ]);
    // Other rooms of the account are not listing threads: the policy leaves them alone.
    const direct = (await api('POST', '/v1/rooms', { token: buyer.token, body: { type: 'direct', member: seller.conversationId } })).body;
    expect((await send(buyer, direct.id, 'my number is (415) 555-0199')).content).toBe('my number is (415) 555-0199');
  });

  it('announces a listing message with what a notification service needs: the listing and both users', async () => {
    const accountId = newAccountId();
    const [buyer, seller] = [await newMember(accountId), await newMember(accountId)];
    const listingId = `l-${Date.now()}`;
    const room = (await thread(buyer, seller, listingId)).body;
    const sent = await send(buyer, room.id, 'Still for sale?');
    const event = await eventually(
      () => database().then((db) => db.collection('messaging.outbox').findOne({ 'envelope.type': 'parley.message.created', 'envelope.data.message.id': sent.id })),
      (found) => !!found,
      'the event in the outbox',
    );
    expect(event?.envelope.data).toMatchObject({ listing_id: listingId, sender_user_id: buyer.userId, receiver_user_ids: [seller.userId] });
  });
});
