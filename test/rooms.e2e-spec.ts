import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { ObjectId } from 'mongodb';
import { EventTopics } from '@parley/contracts';
import type { Socket } from 'socket.io-client';
import {
  api,
  closeStores,
  collect,
  connectSocket,
  database,
  documentsOfAccount,
  eventually,
  findOnTopic,
  newAccountId,
  newDirectRoom,
  newMember,
  newUser,
  publish,
  restartApp,
  type TestMember,
} from '@parley/testing';

async function team(size: number): Promise<{ accountId: string; admin: TestMember; people: TestMember[] }> {
  const accountId = newAccountId();
  const admin = await newMember(accountId, ['conversation', 'conversation.admin']);
  const people = await Promise.all(Array.from({ length: size }, () => newMember(accountId)));
  return { accountId, admin, people };
}

describe('channels', () => {
  const sockets: Socket[] = [];
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  afterAll(closeStores);

  it('lets an admin create a channel with members, who all see it', async () => {
    const { admin, people } = await team(2);
    const created = await api('POST', '/v1/rooms', {
      token: admin.token,
      body: { type: 'channel', name: 'General', members: people.map((person) => person.conversationId) },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: 'channel', name: 'General' });
    expect(created.body.members).toHaveLength(3);
    for (const person of people) {
      const seen = await api('GET', `/v1/rooms/${created.body.id}`, { token: person.token });
      expect(seen.status).toBe(200);
    }
  });

  it('lists a big channel with the caller and the first members up to 20 and its member count; the room itself has them all', async () => {
    const { admin, people } = await team(24);
    const created = await api('POST', '/v1/rooms', { token: admin.token, body: { type: 'channel', name: 'all-hands', members: people.map((person) => person.conversationId) } });
    expect([created.status, created.body.member_count, created.body.members.length]).toEqual([201, 25, 25]);
    const me = people[23];
    const [listed] = (await api('GET', '/v1/rooms?type=channel', { token: me.token })).body.data;
    expect([listed.id, listed.member_count, listed.members.length, listed.members[0].conversation_id]).toEqual([created.body.id, 25, 20, me.conversationId]);
    const whole = (await api('GET', `/v1/rooms/${created.body.id}`, { token: me.token })).body;
    expect([whole.member_count, whole.members.length]).toEqual([25, 25]);
  });

  it('gives a member without the admin scope 403 for creating, renaming or deleting a channel and writes nothing', async () => {
    const { admin, people, accountId } = await team(1);
    const channel = (await api('POST', '/v1/rooms', { token: admin.token, body: { type: 'channel', name: 'ops', members: [people[0].conversationId] } })).body;
    const before = await documentsOfAccount(accountId);
    const create = await api('POST', '/v1/rooms', { token: people[0].token, body: { type: 'channel', name: 'mine' } });
    const rename = await api('PATCH', `/v1/rooms/${channel.id}`, { token: people[0].token, body: { name: 'renamed' } });
    const remove = await api('DELETE', `/v1/rooms/${channel.id}`, { token: people[0].token });
    expect([create.status, rename.status, remove.status]).toEqual([403, 403, 403]);
    expect(await documentsOfAccount(accountId)).toEqual(before);
  });

  it('refuses a second live channel of the same name, whatever the case, with 409; a deleted one frees the name', async () => {
    const { admin } = await team(0);
    const first = await api('POST', '/v1/rooms', { token: admin.token, body: { type: 'channel', name: 'Sales' } });
    const clash = await api('POST', '/v1/rooms', { token: admin.token, body: { type: 'channel', name: 'sales' } });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe('CONFLICT');
    const other = await api('POST', '/v1/rooms', { token: admin.token, body: { type: 'channel', name: 'Support' } });
    const renameClash = await api('PATCH', `/v1/rooms/${other.body.id}`, { token: admin.token, body: { name: 'SALES' } });
    expect(renameClash.status).toBe(409);

    expect((await api('DELETE', `/v1/rooms/${first.body.id}`, { token: admin.token })).status).toBe(204);
    expect((await api('GET', `/v1/rooms/${first.body.id}`, { token: admin.token })).status).toBe(404);
    const list = await api('GET', '/v1/rooms?type=channel', { token: admin.token });
    expect(list.body.data.map((room: { id: string }) => room.id)).toEqual([other.body.id]);
    const again = await api('POST', '/v1/rooms', { token: admin.token, body: { type: 'channel', name: 'Sales' } });
    expect(again.status).toBe(201);
  });

  it('reads channel names as people do: one Unicode form, and a 422 naming name for one that shows nothing or holds control characters', async () => {
    const { admin } = await team(0);
    const composed = await api('POST', '/v1/rooms', { token: admin.token, body: { type: 'channel', name: 'Caf\u00e9' } });
    expect(composed.status).toBe(201);
    const decomposed = await api('POST', '/v1/rooms', { token: admin.token, body: { type: 'channel', name: 'Cafe\u0301' } });
    expect(decomposed.status).toBe(409);
    for (const name of ['\u200b', '\u200b\u2060 ', 'a\u0000b', 'line\nbreak', '\u202egnp.exe']) {
      const refused = await api('POST', '/v1/rooms', { token: admin.token, body: { type: 'channel', name } });
      expect([name, refused.status, refused.body.details?.[0]?.field]).toEqual([name, 422, 'name']);
    }
    const renamed = await api('PATCH', `/v1/rooms/${composed.body.id}`, { token: admin.token, body: { name: '\u200b' } });
    expect([renamed.status, renamed.body.details?.[0]?.field]).toEqual([422, 'name']);
    expect((await api('GET', `/v1/rooms/${composed.body.id}`, { token: admin.token })).body.name).toBe('Caf\u00e9');
  });

  it('keeps a channel\'s last member in it (409): a channel nobody is in could not be reached again', async () => {
    const { admin, people } = await team(1);
    const [alice] = people;
    const channel = (await api('POST', '/v1/rooms', { token: admin.token, body: { type: 'channel', name: 'last one out', members: [alice.conversationId] } })).body;
    expect((await api('DELETE', `/v1/rooms/${channel.id}/members/${admin.conversationId}`, { token: admin.token })).status).toBe(200);
    const last = await api('DELETE', `/v1/rooms/${channel.id}/members/${alice.conversationId}`, { token: alice.token });
    expect(last.status).toBe(409);
    expect(last.body.message).toMatch(/last member/);
    expect((await api('GET', `/v1/rooms/${channel.id}`, { token: alice.token })).body.members.map((member: { conversation_id: string }) => member.conversation_id)).toEqual([alice.conversationId]);
    // An admin deletes it, and its name is free.
    expect((await api('DELETE', `/v1/rooms/${channel.id}`, { token: admin.token })).status).toBe(204);
    expect((await api('POST', '/v1/rooms', { token: admin.token, body: { type: 'channel', name: 'Last One Out' } })).status).toBe(201);
  });

  it('renames a channel for an admin', async () => {
    const { admin } = await team(0);
    const channel = (await api('POST', '/v1/rooms', { token: admin.token, body: { type: 'channel', name: 'old' } })).body;
    const renamed = await api('PATCH', `/v1/rooms/${channel.id}`, { token: admin.token, body: { name: '  new name ' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('new name');
  });

  it('lets a member add someone, who then gets the room’s messages; a removed member gets 403 and no more pushes', async () => {
    const { admin, people } = await team(2);
    const [alice, bob] = people;
    const channel = (await api('POST', '/v1/rooms', { token: admin.token, body: { type: 'channel', name: 'team', members: [alice.conversationId] } })).body;
    const added = await api('POST', `/v1/rooms/${channel.id}/members`, { token: alice.token, body: { members: [bob.conversationId] } });
    expect(added.status).toBe(200);
    expect(added.body.members).toHaveLength(3);

    const bobSocket = await connectSocket(bob.token);
    sockets.push(bobSocket);
    const pushes = collect(bobSocket, 'new_message');
    const first = (await api('POST', `/v1/rooms/${channel.id}/messages`, { token: alice.token, body: { content: 'welcome Bob' } })).body;
    await eventually(() => pushes.length, (count) => count === 1, 'Bob’s push');
    expect(pushes[0].message.id).toBe(first.id);

    const removed = await api('DELETE', `/v1/rooms/${channel.id}/members/${bob.conversationId}`, { token: admin.token });
    expect(removed.status).toBe(200);
    expect(removed.body.members).toHaveLength(2);
    const after = (await api('POST', `/v1/rooms/${channel.id}/messages`, { token: alice.token, body: { content: 'Bob is gone' } })).body;
    await eventually(async () => (await api('GET', `/v1/rooms/${channel.id}`, { token: alice.token })).body, (room) => room.last_message_id === after.id, 'the later message applied');
    expect(pushes).toHaveLength(1);
    expect((await api('GET', `/v1/rooms/${channel.id}/messages`, { token: bob.token })).status).toBe(403);
    expect((await api('POST', `/v1/rooms/${channel.id}/messages`, { token: bob.token, body: { content: 'hi' } })).status).toBe(403);
  });

  it('sends a removed member no push of the room after the one that told them, even of a message stored before the removal', async () => {
    const { admin, people } = await team(2);
    const [alice, bob] = people;
    const channel = (await api('POST', '/v1/rooms', { token: admin.token, body: { type: 'channel', name: 'race', members: [alice.conversationId, bob.conversationId] } })).body;
    const [aliceSocket, bobSocket] = [await connectSocket(alice.token), await connectSocket(bob.token)];
    sockets.push(aliceSocket, bobSocket);
    const alicePushes = collect(aliceSocket, 'new_message');
    const bobPushes: { event: string; push: any }[] = [];
    for (const name of ['new_message', 'room_updated']) bobSocket.on(name, (push: any) => bobPushes.push({ event: name, push }));

    const before = (await api('POST', `/v1/rooms/${channel.id}/messages`, { token: alice.token, body: { content: 'before Bob leaves' } })).body;
    await eventually(() => bobPushes, (pushes) => pushes.some(({ push }) => push.message?.id === before.id), 'Bob’s push of the message');
    const stored = await findOnTopic(EventTopics.MessageCreated, (message) => message.value.includes(before.id));

    expect((await api('DELETE', `/v1/rooms/${channel.id}/members/${bob.conversationId}`, { token: admin.token })).status).toBe(200);
    await eventually(() => bobPushes, (pushes) => pushes.some(({ push }) => push.room_id === channel.id && push.removed), 'Bob told he is out');
    // The same message's event once more, as a message Bob was a receiver of that reaches realtime
    // after his removal (messages and room changes travel on different topics).
    const late = { ...JSON.parse(stored.value), id: randomUUID() };
    await publish(EventTopics.MessageCreated, [{ key: stored.key, value: JSON.stringify(late), headers: stored.headers }]);
    await eventually(() => alicePushes.filter((push) => push.message.id === before.id).length, (count) => count === 2, 'the late event pushed to Alice');
    const removedAt = bobPushes.findIndex(({ push }) => push.room_id === channel.id && push.removed);
    expect(bobPushes.slice(removedAt + 1)).toEqual([]);

    // Put back in, Bob hears of the room again, with what was there read: his read mark is on its
    // last message, as his count of 0 says.
    expect((await api('POST', `/v1/rooms/${channel.id}/members`, { token: alice.token, body: { members: [bob.conversationId] } })).status).toBe(200);
    const back = (await api('GET', `/v1/rooms/${channel.id}`, { token: bob.token })).body;
    expect(back.unread_count).toBe(0);
    expect(back.members.find((member: any) => member.conversation_id === bob.conversationId).last_message_read).toBe(back.last_message_id);
    expect(back.last_message_id).toBe(before.id);
    const after = (await api('POST', `/v1/rooms/${channel.id}/messages`, { token: alice.token, body: { content: 'welcome back' } })).body;
    await eventually(() => bobPushes, (pushes) => pushes.some(({ push }) => push.message?.id === after.id), 'Bob’s push once he is back');
  });

  it('tells an added member the room is new (room_created), and the others who is in it now as members come and go', async () => {
    const { admin, people } = await team(2);
    const [alice, bob] = people;
    const channel = (await api('POST', '/v1/rooms', { token: admin.token, body: { type: 'channel', name: 'comings', members: [alice.conversationId] } })).body;
    const [aliceSocket, bobSocket] = [await connectSocket(alice.token), await connectSocket(bob.token)];
    sockets.push(aliceSocket, bobSocket);
    const bobCreated = collect(bobSocket, 'room_created');
    const aliceUpdates = collect(aliceSocket, 'room_updated');

    expect((await api('POST', `/v1/rooms/${channel.id}/members`, { token: alice.token, body: { members: [bob.conversationId] } })).status).toBe(200);
    await eventually(() => bobCreated, (pushes) => pushes.some((push) => push.room_id === channel.id && push.type === 'channel'), 'room_created to Bob');
    const everyone = [admin.conversationId, alice.conversationId, bob.conversationId].sort();
    await eventually(
      () => aliceUpdates,
      (pushes) => pushes.some((push) => push.room_id === channel.id && JSON.stringify([...(push.members ?? [])].sort()) === JSON.stringify(everyone)),
      'room_updated with Bob among the members, to Alice',
    );
    expect((await api('DELETE', `/v1/rooms/${channel.id}/members/${bob.conversationId}`, { token: bob.token })).status).toBe(200);
    await eventually(
      () => aliceUpdates,
      (pushes) => pushes.some((push) => push.room_id === channel.id && push.members?.length === 2 && !push.members.includes(bob.conversationId)),
      'room_updated without Bob, to Alice',
    );
  });

  it('lets a member leave but not remove someone else', async () => {
    const { admin, people } = await team(2);
    const [alice, bob] = people;
    const channel = (await api('POST', '/v1/rooms', { token: admin.token, body: { type: 'channel', name: 'leavers', members: [alice.conversationId, bob.conversationId] } })).body;
    expect((await api('DELETE', `/v1/rooms/${channel.id}/members/${bob.conversationId}`, { token: alice.token })).status).toBe(403);
    expect((await api('DELETE', `/v1/rooms/${channel.id}/members/${alice.conversationId}`, { token: alice.token })).status).toBe(200);
    expect((await api('GET', `/v1/rooms/${channel.id}`, { token: alice.token })).status).toBe(403);
  });

  it('keeps unread counts exact under many parallel senders and reads', async () => {
    const { admin, people } = await team(4);
    const channel = (await api('POST', '/v1/rooms', { token: admin.token, body: { type: 'channel', name: 'busy', members: people.map((person) => person.conversationId) } })).body;
    const perSender = 5;
    const sent = await Promise.all(
      people.flatMap((person) =>
        Array.from({ length: perSender }, (_, index) => api('POST', `/v1/rooms/${channel.id}/messages`, { token: person.token, body: { content: `${index}` } })),
      ),
    );
    expect(sent.map((response) => response.status)).toEqual(sent.map(() => 201));
    const seqs = sent.map((response) => response.body.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, index) => index + 1));
    const last = sent.find((response) => response.body.seq === seqs.length)?.body;
    const adminView = await eventually(
      async () => (await api('GET', `/v1/rooms/${channel.id}`, { token: admin.token })).body,
      (room) => room.last_message_id === last.id && room.unread_count === 20,
      'every message counted for the admin',
      30_000,
    );
    expect(adminView.unread_count).toBe(20);
    for (const person of people) {
      const view = (await api('GET', `/v1/rooms/${channel.id}`, { token: person.token })).body;
      expect(view.unread_count).toBe(20 - perSender);
    }
    const read = await api('POST', `/v1/rooms/${channel.id}/read`, { token: people[0].token, body: { messageId: last.id } });
    expect(read.body.unread_count).toBe(0);
  });

  it('numbers members’ messages without a gap while sends refused at the same moment (403, 404) store nothing', async () => {
    const { accountId, admin, people } = await team(3);
    const outsiders = await Promise.all([newMember(accountId), newMember(accountId)]);
    const stranger = await newMember(newAccountId());
    const channels = await Promise.all(
      ['mixed-a', 'mixed-b'].map(async (name) => (await api('POST', '/v1/rooms', { token: admin.token, body: { type: 'channel', name, members: people.map((person) => person.conversationId) } })).body),
    );
    // Members' sends and refused ones interleaved over two rooms, all at once, so group commits mix them.
    const sends = Array.from({ length: 6 }, (_, round) => [
      ...people.map((sender, index) => ({ sender, room: channels[(round + index) % 2], status: 201 })),
      ...outsiders.map((sender, index) => ({ sender, room: channels[(round + index) % 2], status: 403 })),
      { sender: stranger, room: channels[round % 2], status: 404 },
    ]).flat();
    const sent = await Promise.all(sends.map(({ sender, room }, index) => api('POST', `/v1/rooms/${room.id}/messages`, { token: sender.token, body: { content: `${index}` } })));
    expect(sent.map((response) => response.status)).toEqual(sends.map(({ status }) => status));
    const messages = (await database()).collection('conversations.messages');
    for (const channel of channels) {
      const answered = sent.filter((response, index) => response.status === 201 && sends[index].room === channel).map((response) => response.body.seq);
      const stored = await messages.find({ account_id: accountId, room_id: new ObjectId(channel.id) }).toArray();
      expect(stored.map((message) => message.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 9 }, (_, index) => index + 1));
      expect(answered.sort((a, b) => a - b)).toEqual(Array.from({ length: 9 }, (_, index) => index + 1));
      expect(stored.every((message) => people.some((person) => person.conversationId === message.conversation_id.toHexString()))).toBe(true);
      // The next send continues the same numbering.
      expect((await api('POST', `/v1/rooms/${channel.id}/messages`, { token: people[0].token, body: { content: 'after' } })).body.seq).toBe(10);
    }
  });
});

describe('direct and listing rooms, lists, favorites and snooze', () => {
  afterAll(closeStores);

  it('makes one listing room per pair and listing', async () => {
    const accountId = newAccountId();
    const [buyer, seller] = await Promise.all([newMember(accountId), newMember(accountId)]);
    const first = await api('POST', '/v1/rooms', { token: buyer.token, body: { type: 'listing', listing_id: 'flat-42', member: seller.conversationId } });
    const again = await api('POST', '/v1/rooms', { token: seller.token, body: { type: 'listing', listing_id: 'flat-42', member: buyer.conversationId } });
    const otherListing = await api('POST', '/v1/rooms', { token: buyer.token, body: { type: 'listing', listing_id: 'flat-43', member: seller.conversationId } });
    expect([first.status, again.status, otherListing.status]).toEqual([201, 200, 201]);
    expect(again.body.id).toBe(first.body.id);
    expect(first.body).toMatchObject({ type: 'listing', listing_id: 'flat-42' });
    expect(otherListing.body.id).not.toBe(first.body.id);
    const missing = await api('POST', '/v1/rooms', { token: buyer.token, body: { type: 'listing', member: seller.conversationId } });
    expect(missing.status).toBe(400);
    expect(missing.body.details[0].field).toBe('listing_id');
  });

  it('filters the caller’s rooms by type, unread or not, favorite or not, and search (channel name or the other user’s name)', async () => {
    const { accountId, admin, people } = await team(2);
    const [carol, dave] = people;
    const db = await database();
    await db.collection('_users').insertMany([
      { _id: carol.userId as never, account_id: accountId, name: 'Carol Danvers' },
      { _id: dave.userId as never, account_id: accountId, name: 'Dave Lister' },
    ]);
    const withCarol = (await api('POST', '/v1/rooms', { token: admin.token, body: { type: 'direct', member: carol.conversationId } })).body;
    const withDave = (await api('POST', '/v1/rooms', { token: admin.token, body: { type: 'direct', member: dave.conversationId } })).body;
    const channel = (await api('POST', '/v1/rooms', { token: admin.token, body: { type: 'channel', name: 'Red Dwarf crew' } })).body;
    const fromDave = (await api('POST', `/v1/rooms/${withDave.id}/messages`, { token: dave.token, body: { content: 'smeg' } })).body;
    await eventually(async () => (await api('GET', `/v1/rooms/${withDave.id}`, { token: admin.token })).body, (room) => room.last_message_id === fromDave.id, 'Dave’s message applied');
    expect((await api('PUT', `/v1/rooms/${withCarol.id}/favorite`, { token: admin.token })).body.favorite).toBe(true);

    const ids = async (query: string) => (await api('GET', `/v1/rooms?${query}`, { token: admin.token })).body.data.map((room: { id: string }) => room.id);
    expect(await ids('type=channel')).toEqual([channel.id]);
    expect(await ids('unread=true')).toEqual([withDave.id]);
    expect(await ids('unread=false')).toEqual([channel.id, withCarol.id]);
    expect(await ids('favorite=true')).toEqual([withCarol.id]);
    expect(await ids('favorite=false')).toEqual([withDave.id, channel.id]);
    expect(await ids('search=danvers')).toEqual([withCarol.id]);
    expect(await ids('search=dwarf')).toEqual([channel.id]);
    expect((await ids('search=lister&type=channel'))).toEqual([]);
    expect((await api('DELETE', `/v1/rooms/${withCarol.id}/favorite`, { token: admin.token })).body.favorite).toBe(false);
    expect(await ids('favorite=true')).toEqual([]);
    const bad = await api('GET', '/v1/rooms?unread=maybe', { token: admin.token });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('unread');
  });

  it('under npm start (DEV_USERS), records who opens their conversation as a user named by their id, so the team and search by name work with no identity service', async () => {
    await restartApp('rooms', { DEV_USERS: 'true' });
    try {
      const { accountId, admin, people } = await team(1);
      const [erin] = people;
      const listed = await api('GET', '/v1/conversations', { token: admin.token });
      expect(listed.body.data.map((conversation: { id: string; name: string }) => [conversation.id, conversation.name]).sort()).toEqual(
        [[admin.conversationId, admin.userId], [erin.conversationId, erin.userId]].sort(),
      );
      const withErin = (await api('POST', '/v1/rooms', { token: admin.token, body: { type: 'direct', member: erin.conversationId } })).body;
      const found = await api('GET', `/v1/rooms?search=${encodeURIComponent(erin.userId.slice(5, 17))}`, { token: admin.token });
      expect(found.body.data.map((room: { id: string }) => room.id)).toEqual([withErin.id]);
      // A user the identity service (here, a developer) already has keeps their name.
      const db = await database();
      const named = newUser(accountId);
      await db.collection('_users').insertOne({ _id: named.userId as never, account_id: accountId, name: 'Named Already' });
      expect((await api('GET', '/v1/conversations/me', { token: named.token })).status).toBe(200);
      expect((await db.collection('_users').findOne({ _id: named.userId as never }))?.name).toBe('Named Already');
    } finally {
      await restartApp('rooms');
    }
  });

  it('pages rooms both ways with cursors, and answers 422 naming after for before with after', async () => {
    const { admin } = await team(0);
    const created: string[] = [];
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      created.push((await api('POST', '/v1/rooms', { token: admin.token, body: { type: 'channel', name } })).body.id);
    }
    const first = (await api('GET', '/v1/rooms?limit=2', { token: admin.token })).body;
    expect(first.data.map((room: { name: string }) => room.name)).toEqual(['e', 'd']);
    const second = (await api('GET', `/v1/rooms?limit=2&before=${first.next}`, { token: admin.token })).body;
    expect(second.data.map((room: { name: string }) => room.name)).toEqual(['c', 'b']);
    const back = (await api('GET', `/v1/rooms?limit=2&after=${second.previous}`, { token: admin.token })).body;
    expect(back.data.map((room: { name: string }) => room.name)).toEqual(['e', 'd']);
    expect(created).toHaveLength(5);
    const both = await api('GET', `/v1/rooms?limit=2&before=${second.next}&after=${second.previous}`, { token: admin.token });
    expect([both.status, both.body.details?.[0]?.field]).toEqual([422, 'after']);
  });

  it('tells the caller\'s other devices, and nobody else, when they favorite or snooze a room', async () => {
    const { alice, bob, roomId } = await newDirectRoom();
    const [aliceOther, bobSocket] = [await connectSocket(alice.token), await connectSocket(bob.token)];
    const aliceUpdates = collect(aliceOther, 'room_updated');
    const bobUpdates = collect(bobSocket, 'room_updated');

    expect((await api('PUT', `/v1/rooms/${roomId}/favorite`, { token: alice.token })).status).toBe(200);
    await eventually(() => aliceUpdates, (pushes) => pushes.some((push) => push.room_id === roomId && push.favorite === true), 'favorite on Alice’s other device');
    const until = new Date(Date.now() + 3_600_000).toISOString();
    expect((await api('PUT', `/v1/rooms/${roomId}/snooze`, { token: alice.token, body: { until } })).status).toBe(200);
    await eventually(() => aliceUpdates, (pushes) => pushes.some((push) => push.room_id === roomId && push.snoozed_until === until), 'the snooze on Alice’s other device');
    // Bob's devices hear of Alice's next message, not of her settings.
    const sent = (await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'after the settings' } })).body;
    await eventually(() => bobUpdates, (pushes) => pushes.some((push) => push.last_message_id === sent.id), 'Bob’s room_updated for the message');
    expect(bobUpdates.filter((push) => push.favorite !== undefined || push.snoozed_until !== undefined)).toEqual([]);
    aliceOther.disconnect();
    bobSocket.disconnect();
  });

  it('snoozes a room for the caller until a time: pushes come quietly, unread still counts; and ends the snooze', async () => {
    const accountId = newAccountId();
    const [me, other] = await Promise.all([newMember(accountId), newMember(accountId)]);
    const room = (await api('POST', '/v1/rooms', { token: me.token, body: { type: 'direct', member: other.conversationId } })).body;
    const snoozed = await api('PUT', `/v1/rooms/${room.id}/snooze`, { token: me.token, body: { duration_minutes: 30 } });
    expect(snoozed.status).toBe(200);
    expect(new Date(snoozed.body.snoozed_until).getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);
    expect((await api('GET', `/v1/rooms/${room.id}`, { token: other.token })).body.snoozed_until).toBeNull();
    const past = await api('PUT', `/v1/rooms/${room.id}/snooze`, { token: me.token, body: { until: '2001-01-01T00:00:00Z' } });
    expect(past.status).toBe(422);
    const none = await api('PUT', `/v1/rooms/${room.id}/snooze`, { token: me.token, body: {} });
    expect(none.status).toBe(400);

    const mySocket = await connectSocket(me.token);
    const otherSocket = await connectSocket(other.token);
    try {
      const mine = collect(mySocket, 'new_message');
      const theirs = collect(otherSocket, 'new_message');
      await api('PUT', `/v1/rooms/${room.id}/snooze`, { token: me.token, body: { duration_minutes: 30 } });
      const sent = (await api('POST', `/v1/rooms/${room.id}/messages`, { token: other.token, body: { content: 'psst' } })).body;
      await eventually(() => mine.length + theirs.length, (count) => count === 2, 'both pushes');
      expect(mine[0]).toMatchObject({ message: { id: sent.id }, snoozed: true });
      expect(theirs[0].snoozed).toBeUndefined();
      const counted = await eventually(
        async () => (await api('GET', `/v1/rooms/${room.id}`, { token: me.token })).body,
        (view) => view.last_message_id === sent.id,
        'the snoozed message counted',
      );
      expect(counted.unread_count).toBe(1);
    } finally {
      mySocket.disconnect();
      otherSocket.disconnect();
    }
    expect((await api('DELETE', `/v1/rooms/${room.id}/snooze`, { token: me.token })).body.snoozed_until).toBeNull();
  });
});

describe('conversations', () => {
  afterAll(closeStores);

  it('lists the account’s team with names, leaves out users who are gone, filters by status, searches by name, and answers 422 naming after for before with after', async () => {
    const { accountId, admin, people } = await team(3);
    const [ann, ben, gone] = people;
    const db = await database();
    await db.collection('_users').insertMany([
      { _id: admin.userId as never, account_id: accountId, name: 'Ada Admin' },
      { _id: ann.userId as never, account_id: accountId, name: 'Ann Archer' },
      { _id: ben.userId as never, account_id: accountId, name: 'Ben Baker' },
    ]);
    expect(gone.conversationId).toEqual(expect.any(String));
    const all = await api('GET', '/v1/conversations', { token: ann.token });
    expect(all.status).toBe(200);
    expect(all.body.data.map((conversation: { name: string }) => conversation.name).sort()).toEqual(['Ada Admin', 'Ann Archer', 'Ben Baker']);

    expect((await api('PUT', '/v1/conversations/me/status', { token: ben.token, body: { status: 'online' } })).body.status).toBe('online');
    const online = await api('GET', '/v1/conversations?status=online', { token: ann.token });
    expect(online.body.data.map((conversation: { name: string }) => conversation.name)).toEqual(['Ben Baker']);
    const search = await api('GET', '/v1/conversations?search=arch', { token: ann.token });
    expect(search.body.data.map((conversation: { name: string }) => conversation.name)).toEqual(['Ann Archer']);
    const page = await api('GET', '/v1/conversations?limit=2', { token: ann.token });
    expect(page.body.data).toHaveLength(2);
    const rest = await api('GET', `/v1/conversations?limit=2&before=${page.body.next}`, { token: ann.token });
    expect(rest.body.data).toHaveLength(1);
    const both = await api('GET', `/v1/conversations?before=${page.body.next}&after=${rest.body.previous}`, { token: ann.token });
    expect([both.status, both.body.details?.[0]?.field]).toEqual([422, 'after']);

    const history = await db.collection('conversations.status_history').find({ account_id: accountId }).toArray();
    expect(history.map((entry) => entry.status)).toEqual(['online']);
    const other = await api('GET', '/v1/conversations', { token: newUser().token });
    expect(other.body.data.map((conversation: { account_id: string }) => conversation.account_id)).not.toContain(accountId);
  });

  it('keeps at most one default SMS and email inbound per account: setting it moves it', async () => {
    const { accountId } = await team(0);
    const [first, second] = await Promise.all([0, 1].map(() => newMember(accountId, ['conversation', 'conversation.support'])));
    const set = await api('PATCH', '/v1/conversations/me', { token: first.token, body: { default_sms_inbound: true, default_email_inbound: true } });
    expect(set.body).toMatchObject({ default_sms_inbound: true, default_email_inbound: true });
    const moved = await api('PATCH', '/v1/conversations/me', { token: second.token, body: { default_sms_inbound: true } });
    expect(moved.body).toMatchObject({ default_sms_inbound: true, default_email_inbound: false });
    const db = await database();
    expect(await db.collection('conversations').countDocuments({ account_id: accountId, default_sms_inbound: true })).toBe(1);
    expect(await db.collection('conversations').countDocuments({ account_id: accountId, default_email_inbound: true })).toBe(1);
    const bad = await api('PATCH', '/v1/conversations/me', { token: first.token, body: { default_sms_inbound: 'yes' } });
    expect(bad.status).toBe(400);
    const badStatus = await api('PUT', '/v1/conversations/me/status', { token: first.token, body: { status: 'away' } });
    expect(badStatus.status).toBe(400);
  });

  it('lets only a support agent take the account\'s default inbound: anyone else gets 403 and it stays where it was', async () => {
    const { accountId, admin, people } = await team(1);
    const agent = await newMember(accountId, ['conversation', 'conversation.support']);
    expect((await api('PATCH', '/v1/conversations/me', { token: agent.token, body: { default_sms_inbound: true } })).status).toBe(200);
    for (const member of [people[0], admin]) {
      const refused = await api('PATCH', '/v1/conversations/me', { token: member.token, body: { default_sms_inbound: true } });
      expect(refused.status).toBe(403);
      expect(refused.body.message).toContain('conversation.support');
    }
    const holders = await (await database()).collection('conversations').find({ account_id: accountId, default_sms_inbound: true }).toArray();
    expect(holders.map((conversation) => conversation._id.toHexString())).toEqual([agent.conversationId]);
  });
});
