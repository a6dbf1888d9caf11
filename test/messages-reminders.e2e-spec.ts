import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { ObjectId } from 'mongodb';
import { readState as readStateFile, spawnApp, stopPid, waitHealthy, writeState } from '../deploy/local/apps.mjs';
import { freePort } from '../deploy/local/infrastructure.mjs';
import {
  api,
  closeStores,
  database,
  documentsOfAccount,
  eventually,
  newAccountId,
  newUser,
  readState,
  restartApp,
  type TestMember,
  newMember,
  newDirectRoom,
} from '@parley/testing';

interface DueEvent {
  key: string;
  envelope: { id: string; type: string; accountId: string; data: Record<string, string> };
}

/** Alice and Bob of one account, the direct room between them and a message from Alice in it. */
async function messageBetweenTwo(): Promise<{ alice: TestMember; bob: TestMember; roomId: string; messageId: string }> {
  const { alice, bob, roomId } = await newDirectRoom();
  const sent = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'remind me of this' } });
  expect(sent.status).toBe(201);
  return { alice, bob, roomId, messageId: sent.body.id };
}

function inMs(ms: number): string {
  return new Date(Date.now() + ms).toISOString();
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

async function reminderDoc(id: string): Promise<Record<string, any> | null> {
  return (await database()).collection('conversations.message_reminders').findOne({ _id: new ObjectId(id) });
}

/** The reminder.due outbox entries for some reminders. */
async function dueEntries(reminderIds: string[]): Promise<Record<string, any>[]> {
  return (await database())
    .collection('messaging.outbox')
    .find({ topic: 'parley.reminder.due', 'envelope.data.reminder_id': { $in: reminderIds } })
    .toArray();
}

describe('message reminders', () => {
  let consumer: Consumer;
  const consumed: DueEvent[] = [];

  beforeAll(async () => {
    const { env } = readState();
    const kafka = new Kafka({ clientId: 'e2e-reminders', brokers: env.KAFKA_BROKERS.split(','), logLevel: logLevel.WARN });
    consumer = kafka.consumer({ groupId: `e2e-reminders-${Date.now()}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'parley.reminder.due', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        consumed.push({ key: message.key?.toString() ?? '', envelope: JSON.parse(message.value?.toString() ?? '{}') });
      },
    });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await closeStores();
  });

  it('fires a reminder at its time, once: a parley.reminder.due event keyed by the room', async () => {
    const { bob, roomId, messageId } = await messageBetweenTwo();
    // Far enough ahead to be read back pending first, however slow the machine.
    const at = inMs(4000);
    const created = await api('POST', `/v1/messages/${messageId}/reminders`, { token: bob.token, body: { at } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), message_id: messageId, room_id: roomId, at, status: 'pending' });
    const reminderId = created.body.id;

    expect((await reminderDoc(reminderId))?.status).toBe('pending');
    const delivered = await eventually(
      () => consumed.filter((event) => event.envelope.data?.reminder_id === reminderId),
      (events) => events.length > 0,
      'the reminder.due event on Kafka',
      30_000,
    );
    const event = delivered[0];
    expect(event.key).toBe(roomId);
    expect(event.envelope).toMatchObject({ type: 'parley.reminder.due', accountId: bob.accountId });
    expect(event.envelope.data).toEqual({ reminder_id: reminderId, message_id: messageId, room_id: roomId, conversation_id: bob.conversationId, at });
    const stored = await reminderDoc(reminderId);
    expect(stored).toMatchObject({ status: 'fired', account_id: bob.accountId });
    expect(stored?.fired_at.getTime()).toBeGreaterThanOrEqual(new Date(at).getTime());
    expect(stored?.fired_at.getTime() - new Date(at).getTime()).toBeLessThan(3000);

    await sleep(1500);
    expect(await dueEntries([reminderId])).toHaveLength(1);
    expect(new Set(consumed.filter((item) => item.envelope.data?.reminder_id === reminderId).map((item) => item.envelope.id)).size).toBe(1);
    // Cancelling what already fired is a conflict, and changes nothing.
    const late = await api('DELETE', `/v1/messages/${messageId}/reminders/${reminderId}`, { token: bob.token });
    expect(late.status).toBe(409);
    expect((await reminderDoc(reminderId))?.status).toBe('fired');
  });

  it('never fires a reminder deleted before its time; deleting again is fine; someone else’s is a 404', async () => {
    const { alice, bob, messageId } = await messageBetweenTwo();
    // Due soon, but after the refusals below have run, however slow the machine: the owner's delete
    // must come before its time (after it, the delete is a 409: it fired).
    const dueAt = Date.now() + 8000;
    const created = (await api('POST', `/v1/messages/${messageId}/reminders`, { token: bob.token, body: { at: new Date(dueAt).toISOString() } })).body;
    const byAlice = await api('DELETE', `/v1/messages/${messageId}/reminders/${created.id}`, { token: alice.token });
    const outsider = newUser();
    const byOutsider = await api('DELETE', `/v1/messages/${messageId}/reminders/${created.id}`, { token: outsider.token });
    const wrongMessage = await api('DELETE', `/v1/messages/65a1b2c3d4e5f60718293a4b/reminders/${created.id}`, { token: bob.token });
    const badId = await api('DELETE', `/v1/messages/${messageId}/reminders/xyz`, { token: bob.token });
    expect([byAlice.status, byOutsider.status, wrongMessage.status, badId.status]).toEqual([404, 404, 404, 400]);
    expect(badId.body.details[0].field).toBe('reminderId');
    expect((await reminderDoc(created.id))?.status).toBe('pending');

    expect((await api('DELETE', `/v1/messages/${messageId}/reminders/${created.id}`, { token: bob.token })).status).toBe(204);
    expect((await api('DELETE', `/v1/messages/${messageId}/reminders/${created.id}`, { token: bob.token })).status).toBe(204);
    // Past its time, and past a poll of the scheduler after it.
    await sleep(Math.max(0, dueAt - Date.now()) + 2500);
    expect((await reminderDoc(created.id))?.status).toBe('cancelled');
    expect(await dueEntries([created.id])).toHaveLength(0);
    expect(consumed.filter((event) => event.envelope.data?.reminder_id === created.id)).toHaveLength(0);
  });

  it('lists the caller\'s pending reminders soonest first, page by page: not cancelled ones, not another user\'s', async () => {
    const { alice, bob, messageId } = await messageBetweenTwo();
    const remind = async (token: string, inDays: number) =>
      (await api('POST', `/v1/messages/${messageId}/reminders`, { token, body: { at: inMs(inDays * 24 * 3600 * 1000) } })).body as { id: string };
    const third = await remind(bob.token, 3);
    const first = await remind(bob.token, 1);
    const cancelled = await remind(bob.token, 2);
    const second = await remind(bob.token, 2.5);
    const alices = await remind(alice.token, 1.5);
    expect((await api('DELETE', `/v1/messages/${messageId}/reminders/${cancelled.id}`, { token: bob.token })).status).toBe(204);

    const page = await api('GET', '/v1/messages/reminders?limit=2', { token: bob.token });
    expect(page.status).toBe(200);
    expect(page.body.data.map((reminder: { id: string }) => reminder.id)).toEqual([first.id, second.id]);
    expect(page.body.data[0]).toMatchObject({ message_id: messageId, status: 'pending' });
    const rest = await api('GET', `/v1/messages/reminders?limit=2&cursor=${encodeURIComponent(page.body.next)}`, { token: bob.token });
    expect(rest.body.data.map((reminder: { id: string }) => reminder.id)).toEqual([third.id]);
    expect(rest.body.next).toBeNull();
    expect((await api('GET', '/v1/messages/reminders', { token: alice.token })).body.data.map((reminder: { id: string }) => reminder.id)).toEqual([alices.id]);
    expect((await api('GET', '/v1/messages/reminders?cursor=not-a-cursor', { token: bob.token })).status).toBe(400);
    expect((await api('GET', '/v1/messages/reminders', { token: newUser().token })).body.data).toEqual([]);
  });

  it('documents its pages as they work: next is passed as cursor, previous is always null', async () => {
    const { paths } = (await api('GET', '/swagger/json')).body;
    const { next, previous } = paths['/v1/messages/reminders'].get.responses['200'].content['application/json'].schema.properties;
    expect(next.description).toMatch(/pass as cursor/);
    expect(previous.description).toMatch(/always null/i);
    expect(`${next.description} ${previous.description}`).not.toMatch(/before|after/);
  });

  it('refuses a time in the past or years away (422) or not a time (400), a non-member and another account, writing nothing', async () => {
    const { alice, messageId } = await messageBetweenTwo();
    const stranger = await newMember(alice.accountId);
    const outsider = await newMember(newAccountId());
    const db = await database();
    const before = await documentsOfAccount(alice.accountId);
    const past = await api('POST', `/v1/messages/${messageId}/reminders`, { token: alice.token, body: { at: inMs(-1000) } });
    const notATime = await api('POST', `/v1/messages/${messageId}/reminders`, { token: alice.token, body: { at: 'tomorrow' } });
    const farAway = await api('POST', `/v1/messages/${messageId}/reminders`, { token: alice.token, body: { at: '9999-12-31T23:59:59Z' } });
    expect([farAway.status, farAway.body.details?.[0]?.field]).toEqual([422, 'at']);
    const missing = await api('POST', `/v1/messages/${messageId}/reminders`, { token: alice.token, body: {} });
    const extra = await api('POST', `/v1/messages/${messageId}/reminders`, { token: alice.token, body: { at: inMs(60_000), repeat: true } });
    const byStranger = await api('POST', `/v1/messages/${messageId}/reminders`, { token: stranger.token, body: { at: inMs(60_000) } });
    const byOutsider = await api('POST', `/v1/messages/${messageId}/reminders`, { token: outsider.token, body: { at: inMs(60_000) } });
    expect([past.status, notATime.status, missing.status, extra.status, byStranger.status, byOutsider.status]).toEqual([422, 400, 400, 400, 403, 404]);
    for (const response of [past, notATime, missing]) expect(response.body.details[0].field).toBe('at');
    expect(extra.body.details.map((detail: { field: string }) => detail.field)).toContain('repeat');
    expect(JSON.stringify(byOutsider.body)).not.toContain('remind me');
    expect(await documentsOfAccount(alice.accountId)).toEqual(before);
    for (const accountId of [alice.accountId, outsider.accountId]) {
      expect(await db.collection('conversations.message_reminders').countDocuments({ account_id: accountId })).toBe(0);
    }
  });

  it('cancels the pending reminders of a message deleted for everyone', async () => {
    const { alice, bob, messageId } = await messageBetweenTwo();
    const reminder = (await api('POST', `/v1/messages/${messageId}/reminders`, { token: bob.token, body: { at: inMs(1500) } })).body;
    expect((await api('DELETE', `/v1/messages/${messageId}?for=everyone`, { token: alice.token })).status).toBe(204);
    expect((await reminderDoc(reminder.id))?.status).toBe('cancelled');
    await sleep(2000);
    expect(await dueEntries([reminder.id])).toHaveLength(0);
    const onDeleted = await api('POST', `/v1/messages/${messageId}/reminders`, { token: bob.token, body: { at: inMs(60_000) } });
    expect(onDeleted.status).toBe(409);
  });

  it('fires a reminder that fell due while messaging was down once it is back, and only once', async () => {
    const { bob, roomId, messageId } = await messageBetweenTwo();
    const reminder = (await api('POST', `/v1/messages/${messageId}/reminders`, { token: bob.token, body: { at: inMs(1000) } })).body;

    const state = readState();
    await Promise.all((state.pids.messaging ?? []).map((pid) => stopPid(pid)));
    await sleep(2000);
    expect((await reminderDoc(reminder.id))?.status).toBe('pending');

    await restartApp('messaging');
    await eventually(() => reminderDoc(reminder.id), (stored) => stored?.status === 'fired', 'the overdue reminder fired', 30_000);
    const delivered = await eventually(
      () => consumed.filter((event) => event.envelope.data?.reminder_id === reminder.id),
      (events) => events.length > 0,
      'the overdue reminder on Kafka',
      30_000,
    );
    expect(delivered[0].key).toBe(roomId);
    await sleep(1500);
    expect(await dueEntries([reminder.id])).toHaveLength(1);
  });

  it('fires each reminder once with two messaging instances claiming from the same due reminders', async () => {
    const { bob, roomId, messageId } = await messageBetweenTwo();
    const file = process.env.PARLEY_TEST_STATE as string;
    const state = readStateFile(file);
    const port = await freePort();
    const second = spawnApp(state, 'messaging', { overrides: { MESSAGING_PORT: String(port) } });
    writeState(file, state);
    try {
      await waitHealthy({ ...state, ports: { ...state.ports, messaging: port } }, 'messaging', { child: second });
      // Ahead of the ten creates below, however slow the machine (at 3 s, the later ones were already past: 422).
      const at = inMs(15_000);
      const ids: string[] = [];
      for (let index = 0; index < 10; index++) {
        const created = await api('POST', `/v1/messages/${messageId}/reminders`, { token: bob.token, body: { at } });
        expect(created.status).toBe(201);
        ids.push(created.body.id);
      }
      // Enough more, due at the same moment, that one instance's claiming outlasts the other's poll interval.
      const db = await database();
      const reminders = db.collection('conversations.message_reminders');
      const template = await reminders.findOne({ _id: new ObjectId(ids[0]) });
      const bulk = Array.from({ length: 190 }, () => ({ ...template, _id: new ObjectId() }));
      await reminders.insertMany(bulk);
      ids.push(...bulk.map((reminder) => reminder._id.toHexString()));
      const objectIds = ids.map((id) => new ObjectId(id));

      await eventually(
        () => reminders.countDocuments({ _id: { $in: objectIds }, status: 'fired' }),
        (fired) => fired === ids.length,
        'every reminder fired',
        // 200 reminders: on a day this machine ran ten times slower, 168 had fired after 30 s.
        120_000,
      );
      await sleep(1500);
      const entries = await dueEntries(ids);
      expect(entries).toHaveLength(ids.length);
      expect(new Set(entries.map((entry) => entry.envelope.data.reminder_id)).size).toBe(ids.length);
      expect(entries.every((entry) => entry.key === roomId)).toBe(true);
      // Both instances took part: the claims really raced.
      expect(new Set(await reminders.distinct('fired_by', { _id: { $in: objectIds } })).size).toBe(2);
      await eventually(
        () => new Set(consumed.filter((event) => ids.includes(event.envelope.data?.reminder_id)).map((event) => event.envelope.id)).size,
        (count) => count === ids.length,
        'every reminder on Kafka',
      );
    } finally {
      await stopPid(second.pid as number);
      const latest = readStateFile(file);
      latest.pids.messaging = (latest.pids.messaging ?? []).filter((pid) => pid !== second.pid);
      writeState(file, latest);
    }
  });
});
