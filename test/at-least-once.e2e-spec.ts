import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io-client';
import {
  api,
  closeStores,
  collect,
  connectSocket,
  database,
  eventually,
  findOnTopic,
  publish,
  readState,
  restartApp,
  type TestUser,
  newDirectRoom,
} from '@parley/testing';

async function unreadOf(user: TestUser, roomId: string): Promise<{ unread_count: number; last_message_id: string | null }> {
  return (await api('GET', `/v1/rooms/${roomId}`, { token: user.token })).body;
}

describe('at-least-once delivery changes nothing twice', () => {
  const sockets: Socket[] = [];
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  afterAll(closeStores);

  it('applies a redelivered message.created event once: one unread, one push, one ledger entry', async () => {
    const { alice, bob, roomId } = await newDirectRoom();
    const bobSocket = await connectSocket(bob.token);
    sockets.push(bobSocket);
    const pushes = collect(bobSocket, 'new_message');
    const first = (await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'once' } })).body;
    await eventually(() => unreadOf(bob, roomId), (room) => room.last_message_id === first.id, 'the first message applied');

    const db = await database();
    // Sent marks are written in batches (at most once a second), after the event went out.
    const entry = await eventually(
      () => db.collection('messaging.outbox').findOne({ 'envelope.data.message.id': first.id }),
      (found) => found?.published_at instanceof Date,
      'the outbox entry marked sent',
    );
    await publish('parley.message.created', [{ key: roomId, value: JSON.stringify(entry?.envelope) }]);
    await publish('parley.message.created', [{ key: roomId, value: JSON.stringify(entry?.envelope) }]);

    // Events of one room share a partition: once a later message is applied, the duplicates were handled.
    const later = (await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'later' } })).body;
    const room = await eventually(() => unreadOf(bob, roomId), (state) => state.last_message_id === later.id, 'the later message applied');
    expect(room.unread_count).toBe(2);
    await eventually(() => pushes.length, (count) => count === 2, 'the two pushes');
    expect(pushes.map((push) => push.message.id)).toEqual([first.id, later.id]);
    const ledger = await db.collection('rooms.processed_events').countDocuments({ _id: `rooms.message-created:${entry?._id}` as never });
    expect(ledger).toBe(1);
  });

  it('parks an event that is not an envelope on the dead-letter topic and goes on with the next', async () => {
    const { alice, bob, roomId } = await newDirectRoom();
    await publish('parley.message.created', [{ key: roomId, value: JSON.stringify({ not: 'an envelope' }) }]);
    const after = (await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'still flowing' } })).body;
    const room = await eventually(() => unreadOf(bob, roomId), (state) => state.last_message_id === after.id, 'the next message applied');
    expect(room.unread_count).toBe(1);
  });

  it('loses nothing when messaging dies between the outbox commit and the publish: the event arrives once after a restart', async () => {
    const { alice, bob, roomId } = await newDirectRoom();
    const bobSocket = await connectSocket(bob.token);
    sockets.push(bobSocket);
    const pushes = collect(bobSocket, 'new_message');

    const doomed = await restartApp('messaging', { PARLEY_FAILPOINT: 'outbox.before-publish' });
    const exited = new Promise<number | null>((resolve) => doomed.once('exit', (code, signal) => resolve(signal ? -1 : code)));
    const send = await api('POST', `/v1/rooms/${roomId}/messages`, {
      token: alice.token,
      body: { content: 'survives the crash', clientMessageId: 'crash-1' },
    });
    // The reply may or may not have left before the process died.
    expect([201, 504]).toContain(send.status);
    expect(await exited).toBe(-1);

    const db = await database();
    const stored = await db.collection('conversations.messages').find({ account_id: alice.accountId }).toArray();
    expect(stored).toHaveLength(1);
    const entry = await db.collection('messaging.outbox').findOne({ 'envelope.data.message.id': stored[0]._id.toHexString() });
    expect(entry?.published_at).toBeNull();
    expect(pushes).toHaveLength(0);

    await restartApp('messaging');
    const room = await eventually(
      () => unreadOf(bob, roomId),
      (state) => state.last_message_id === stored[0]._id.toHexString(),
      'the event published after the restart',
      30_000,
    );
    expect(room.unread_count).toBe(1);
    await eventually(() => pushes.length, (count) => count === 1, 'the push after the restart');

    const retry = await api('POST', `/v1/rooms/${roomId}/messages`, {
      token: alice.token,
      body: { content: 'survives the crash', clientMessageId: 'crash-1' },
    });
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(stored[0]._id.toHexString());
    expect(await db.collection('conversations.messages').countDocuments({ account_id: alice.accountId })).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(pushes).toHaveLength(1);
    expect(readState().pids.messaging).toHaveLength(1);
  });

  it('stores a send without a clientMessageId once when Kafka hands its command to messaging again', async () => {
    const { alice, bob, roomId } = await newDirectRoom();
    const sent = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'sent without a key' } });
    expect(sent.status).toBe(201);
    const command = await findOnTopic('messaging.commands', (message) => message.headers['parley-pattern'] === 'messaging.message.create' && message.value.includes(roomId));
    await publish('messaging.commands', [{ key: command.key, value: command.value, headers: command.headers }]);
    // Sends of one room are handled in the order they come: once a later one is stored, the replay was handled.
    const later = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'later' } });
    expect(later.status).toBe(201);
    const db = await database();
    const stored = await db.collection('conversations.messages').find({ account_id: alice.accountId }).sort({ seq: 1 }).toArray();
    expect(stored.map((message) => [message.seq, message.content])).toEqual([
      [1, 'sent without a key'],
      [2, 'later'],
    ]);
    await eventually(() => unreadOf(bob, roomId), (room) => room.last_message_id === later.body.id, 'the later message applied');
    expect((await unreadOf(bob, roomId)).unread_count).toBe(2);
  });
});
