import { afterEach, describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io-client';
import { api, collect, connectSocket, eventually, newAccountId, newDirectRoom, newUser } from '@parley/testing';

describe('the first message, end to end', () => {
  const sockets: Socket[] = [];
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });

  it('gets or creates the caller’s conversation, the same one every time', async () => {
    const user = newUser();
    const first = await api('GET', '/v1/conversations/me', { token: user.token });
    const second = await api('GET', '/v1/conversations/me', { token: user.token });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ user_id: user.userId, account_id: user.accountId, status: 'offline' });
    expect(first.body.id).toMatch(/^[0-9a-f]{24}$/);
    expect(second.body.id).toBe(first.body.id);
  });

  it('creates one direct room per pair: the second create, from either side, returns the same room', async () => {
    const { alice, bob, roomId } = await newDirectRoom();
    const again = await api('POST', '/v1/rooms', { token: alice.token, body: { type: 'direct', member: bob.conversationId } });
    const fromBob = await api('POST', '/v1/rooms', { token: bob.token, body: { type: 'direct', member: alice.conversationId } });
    expect(again.status).toBe(200);
    expect(fromBob.status).toBe(200);
    expect(again.body.id).toBe(roomId);
    expect(fromBob.body.id).toBe(roomId);
    expect(again.body.members.map((member: { conversation_id: string }) => member.conversation_id).sort()).toEqual(
      [alice.conversationId, bob.conversationId].sort(),
    );
  });

  it('stores a message (201) and pushes new_message and room_updated to both of the recipient’s sockets', async () => {
    const { alice, bob, roomId } = await newDirectRoom();
    const desktop = await connectSocket(bob.token);
    const phone = await connectSocket(bob.token);
    sockets.push(desktop, phone);
    const onDesktop = collect(desktop, 'new_message');
    const onPhone = collect(phone, 'new_message');
    const updates = collect(desktop, 'room_updated');

    const sent = await api('POST', `/v1/rooms/${roomId}/messages`, {
      token: alice.token,
      body: { content: 'hello Bob', clientMessageId: 'c-1' },
    });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ room_id: roomId, conversation_id: alice.conversationId, content: 'hello Bob', seq: 1, client_message_id: 'c-1' });

    await eventually(() => onDesktop.length + onPhone.length, (count) => count === 2, 'new_message on both sockets');
    for (const pushed of [onDesktop[0], onPhone[0]]) {
      expect(pushed).toMatchObject({
        event: 'new_message',
        room_id: roomId,
        message: { id: sent.body.id, content: 'hello Bob', conversation_id: alice.conversationId, created: sent.body.created, attachments: [] },
      });
    }
    const update = await eventually(
      () => updates.find((payload) => payload.room_id === roomId && payload.last_message_id === sent.body.id),
      (found) => found !== undefined,
      'room_updated with the new last message',
    );
    expect(update).toMatchObject({ event: 'room_updated', unread_count: 1 });
  });

  it('answers a retry with the same clientMessageId with the same message and stores nothing new', async () => {
    const { alice, roomId } = await newDirectRoom();
    const body = { content: 'only once', clientMessageId: 'retry-me' };
    const first = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body });
    const retry = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    const page = await api('GET', `/v1/rooms/${roomId}/messages`, { token: alice.token });
    expect(page.body.data).toHaveLength(1);
  });

  it('refuses other content under a clientMessageId already used with 409 naming it, stores nothing, and still replays the first after an edit', async () => {
    const { alice, roomId } = await newDirectRoom();
    const first = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'see you at 5', clientMessageId: 'k-1' } });
    const other = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'a different message', clientMessageId: 'k-1' } });
    expect(other.status).toBe(409);
    expect(other.body.details).toEqual([{ field: 'clientMessageId', messages: [expect.stringContaining('other content')] }]);
    expect((await api('PATCH', `/v1/messages/${first.body.id}`, { token: alice.token, body: { content: 'see you at 6' } })).status).toBe(200);
    const retry = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'see you at 5', clientMessageId: 'k-1' } });
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ id: first.body.id, content: 'see you at 6' });
    const page = await api('GET', `/v1/rooms/${roomId}/messages`, { token: alice.token });
    expect(page.body.data.map((message: { id: string }) => message.id)).toEqual([first.body.id]);
  });

  it('updates the room’s last message and the other member’s unread count, then zeroes it on read with a read receipt', async () => {
    const { alice, bob, roomId } = await newDirectRoom();
    const aliceSocket = await connectSocket(alice.token);
    sockets.push(aliceSocket);
    const receipts = collect(aliceSocket, 'read_receipt');

    let last: { id: string } | undefined;
    for (const content of ['one', 'two', 'three']) {
      last = (await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content } })).body;
    }
    const bobsView = await eventually(
      async () => (await api('GET', `/v1/rooms/${roomId}`, { token: bob.token })).body,
      (room) => room.last_message_id === last?.id,
      'the room to show the last message',
    );
    expect(bobsView.unread_count).toBe(3);
    const alicesView = (await api('GET', `/v1/rooms/${roomId}`, { token: alice.token })).body;
    expect(alicesView.unread_count).toBe(0);

    const read = await api('POST', `/v1/rooms/${roomId}/read`, { token: bob.token, body: { messageId: last?.id } });
    expect(read.status).toBe(200);
    expect(read.body.unread_count).toBe(0);
    const receipt = await eventually(() => receipts[0], (found) => found !== undefined, 'read_receipt for Alice');
    expect(receipt).toMatchObject({ event: 'read_receipt', room_id: roomId, conversation_id: bob.conversationId, message_id: last?.id });
  });

  it('stores content sanitized: formatting kept, scripts and unsafe links gone', async () => {
    const { alice, roomId } = await newDirectRoom();
    const sent = await api('POST', `/v1/rooms/${roomId}/messages`, {
      token: alice.token,
      body: { content: 'hi <b>Bob</b><script>alert(1)</script><img src=x onerror=alert(1)> <a href="javascript:alert(1)">x</a>' },
    });
    expect(sent.status).toBe(201);
    expect(sent.body.content).toBe('hi <b>Bob</b> <a>x</a>');
  });

  it('pages messages newest first with opaque cursors that lead back and forth', async () => {
    const { alice, roomId } = await newDirectRoom();
    const ids: string[] = [];
    for (let index = 1; index <= 5; index++) {
      ids.push((await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: `m${index}` } })).body.id);
    }
    const first = await api('GET', `/v1/rooms/${roomId}/messages?limit=2`, { token: alice.token });
    expect(first.body.data.map((message: { content: string }) => message.content)).toEqual(['m5', 'm4']);
    expect(first.body.next).toEqual(expect.any(String));
    const second = await api('GET', `/v1/rooms/${roomId}/messages?limit=2&before=${first.body.next}`, { token: alice.token });
    expect(second.body.data.map((message: { content: string }) => message.content)).toEqual(['m3', 'm2']);
    const third = await api('GET', `/v1/rooms/${roomId}/messages?limit=2&before=${second.body.next}`, { token: alice.token });
    expect(third.body.data.map((message: { content: string }) => message.content)).toEqual(['m1']);
    expect(third.body.next).toBeNull();
    const back = await api('GET', `/v1/rooms/${roomId}/messages?limit=2&after=${third.body.previous}`, { token: alice.token });
    expect(back.body.data.map((message: { content: string }) => message.content)).toEqual(['m3', 'm2']);
    expect(ids).toHaveLength(5);
  });

  it('lists the caller’s rooms by most recent activity, each with the caller’s unread count', async () => {
    const accountId = newAccountId();
    const [me, carol, dave] = [newUser(accountId), newUser(accountId), newUser(accountId)];
    await api('GET', '/v1/conversations/me', { token: me.token });
    const carolConv = (await api('GET', '/v1/conversations/me', { token: carol.token })).body.id;
    const daveConv = (await api('GET', '/v1/conversations/me', { token: dave.token })).body.id;
    const withCarol = (await api('POST', '/v1/rooms', { token: me.token, body: { type: 'direct', member: carolConv } })).body.id;
    const withDave = (await api('POST', '/v1/rooms', { token: me.token, body: { type: 'direct', member: daveConv } })).body.id;

    await api('POST', `/v1/rooms/${withDave}/messages`, { token: dave.token, body: { content: 'from Dave' } });
    const fromCarol = await api('POST', `/v1/rooms/${withCarol}/messages`, { token: carol.token, body: { content: 'from Carol' } });

    const list = await eventually(
      async () => (await api('GET', '/v1/rooms', { token: me.token })).body,
      (page) => page.data?.[0]?.last_message_id === fromCarol.body.id && page.data?.[1]?.unread_count === 1,
      'both rooms updated, Carol’s first',
    );
    expect(list.data.map((room: { id: string }) => room.id)).toEqual([withCarol, withDave]);
    expect(list.data.map((room: { unread_count: number }) => room.unread_count)).toEqual([1, 1]);
    expect(list).toMatchObject({ next: null, previous: null });
  });
});
