import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import {
  api,
  closeStores,
  database,
  eventually,
  newAccountId,
  newMember,
  publish,
  readState,
  restartApp,
  type TestMember,
} from '@parley/testing';

const ADMIN = ['conversation', 'conversation.support', 'conversation.admin'];
const AGENT = ['conversation', 'conversation.support'];
const env = () => readState().env;

let counter = 0;
/** A number unique to this run, E.164. */
function newNumber(prefix: string): string {
  counter += 1;
  return `+${prefix}${String(Date.now() % 10_000_000).padStart(7, '0')}${String(counter).padStart(3, '0')}`;
}

async function twilioCalls(body: string): Promise<{ method: string; body: { Body?: string } }[]> {
  const calls = (await (await fetch(`${env().TWILIO_BASE_URL}/_stand-in/requests`)).json()) as { method: string; body: { Body?: string } }[];
  return calls.filter((call) => call.method === 'POST' && call.body?.Body === body);
}

async function failTwilio(status: number, times: number): Promise<void> {
  await fetch(`${env().TWILIO_BASE_URL}/_stand-in/fail`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status, times }) });
}

/** An account with an admin, an agent in an inbox that owns a number, and a contact's support room assigned to the agent. */
async function supportThread(): Promise<{ accountId: string; admin: TestMember; agent: TestMember; roomId: string }> {
  const accountId = newAccountId();
  const admin = await newMember(accountId, ADMIN);
  const agent = await newMember(accountId, AGENT);
  const inbox = await api('POST', '/v1/support/inboxes', {
    token: admin.token,
    body: { name: 'Help', members: [agent.conversationId], channels: { phone_numbers: [newNumber('1778')] } },
  });
  expect(inbox.status).toBe(201);
  const opened = await api('POST', '/v1/support/rooms', {
    token: admin.token,
    body: { inbox_id: inbox.body.id, contact: { name: 'Dana', phone: newNumber('1667') }, content: 'Where is my order?' },
  });
  expect(opened.status).toBe(201);
  await eventually(
    () => api('GET', `/v1/support/rooms?inbox_id=${inbox.body.id}`, { token: agent.token }),
    (response) => response.body.data?.[0]?.support?.assignee === agent.conversationId,
    'the room assigned to the agent',
  );
  return { accountId, admin, agent, roomId: opened.body.id };
}

async function deliveryOf(token: string, roomId: string, messageId: string) {
  const messages = (await api('GET', `/v1/rooms/${roomId}/messages`, { token })).body.data as { id: string; delivery?: { status: string; error_code: string | null } }[];
  return messages.find((message) => message.id === messageId)?.delivery;
}

/** Sends an SMS answer while Twilio fails every attempt: the delivery fails and is parked. */
async function doomedSms(thread: { agent: TestMember; roomId: string }, content: string) {
  await failTwilio(503, Number(env().DELIVERY_MAX_ATTEMPTS ?? 5));
  const sent = await api('POST', `/v1/rooms/${thread.roomId}/messages`, { token: thread.agent.token, body: { content, source: 'sms' } });
  expect(sent.status).toBe(201);
  await eventually(() => deliveryOf(thread.agent.token, thread.roomId, sent.body.id), (delivery) => delivery?.status === 'failed', 'the delivery failed after its retries', 20_000);
  return sent;
}

async function deadLettersOf(token: string, query = '') {
  return api('GET', `/admin/dead-letters${query}`, { token });
}

describe('dead letters: listed and replayed by operators', () => {
  afterAll(closeStores);

  it('lists a delivery parked after its retries, and a replay once Twilio is back sends it once, however often it is replayed', async () => {
    const thread = await supportThread();
    const content = `parked ${randomUUID()}`;
    const sent = await doomedSms(thread, content);
    expect(await twilioCalls(content)).toHaveLength(5);

    const listed = await eventually(
      () => deadLettersOf(thread.admin.token, '?topic=parley.delivery.requested'),
      (response) => response.status === 200 && response.body.data.length === 1,
      'the dead letter listed',
    );
    const [letter] = listed.body.data;
    expect(letter).toMatchObject({
      account_id: thread.accountId,
      topic: 'parley.delivery.requested',
      key: thread.roomId,
      consumer: 'outbound-delivery.delivery-requested',
      group: 'outbound-delivery',
      attempts: 5,
      replayed: null,
      event: { type: 'parley.delivery.requested', accountId: thread.accountId, data: { message_id: sent.body.id, channel: 'sms', content } },
    });
    expect(letter.id).toMatch(/^[0-9a-f]{24}$/);
    expect(typeof letter.partition).toBe('number');
    expect(letter.offset).toMatch(/^\d+$/);
    expect(letter.error).toMatch(/^20500: /);
    expect(new Date(letter.dead_lettered_at).getTime()).toBeGreaterThan(Date.now() - 60_000);
    // It travelled with the send's correlation id and trace context, and keeps them.
    expect(letter.headers['x-correlation-id']).toBe(sent.headers.get('x-correlation-id'));
    expect(letter.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(Object.keys(letter.headers).filter((name) => name.startsWith('x-dlq-'))).toEqual([]);
    expect(listed.body).toMatchObject({ next: null, previous: null });

    // Admins of the account only.
    expect((await deadLettersOf(thread.agent.token)).status).toBe(403);
    expect((await api('POST', `/admin/dead-letters/${letter.id}/replay`, { token: thread.agent.token })).status).toBe(403);
    const stranger = await newMember(newAccountId(), ADMIN);
    expect((await deadLettersOf(stranger.token)).body.data).toEqual([]);
    expect((await api('POST', `/admin/dead-letters/${letter.id}/replay`, { token: stranger.token })).status).toBe(404);
    expect((await api('POST', `/admin/dead-letters/${randomBytes(12).toString('hex')}/replay`, { token: thread.admin.token })).status).toBe(404);
    expect((await api('POST', '/admin/dead-letters/not-an-id/replay', { token: thread.admin.token })).status).toBe(400);
    expect((await deadLettersOf(thread.admin.token, '?topic=parley.nothing')).status).toBe(400);
    expect((await deadLettersOf(thread.admin.token, '?topic=parley.room.updated')).body.data).toEqual([]);

    // Twilio answers again: the replay sends it, once.
    const replayed = await api('POST', `/admin/dead-letters/${letter.id}/replay`, { token: thread.admin.token });
    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({ id: letter.id, replayed: { by: thread.admin.userId } });
    await eventually(() => deliveryOf(thread.agent.token, thread.roomId, sent.body.id), (delivery) => delivery?.status === 'sent', 'the replayed delivery sent', 20_000);
    expect(await deliveryOf(thread.agent.token, thread.roomId, sent.body.id)).toMatchObject({ status: 'sent', error_code: null });
    expect(await twilioCalls(content)).toHaveLength(6);
    const record = await (await database()).collection('delivery.attempts').findOne({ _id: sent.body.id as never });
    expect(record?.attempts.map((attempt: { outcome: string }) => attempt.outcome)).toEqual(['transient', 'transient', 'transient', 'transient', 'transient', 'replayed', 'sent']);

    // A second replay is answered as the first left it and publishes nothing.
    const again = await api('POST', `/admin/dead-letters/${letter.id}/replay`, { token: thread.admin.token });
    expect(again.status).toBe(200);
    expect(again.body.replayed).toEqual(replayed.body.replayed);
    // The replayed event delivered again (Kafka's at-least-once) changes nothing either.
    await publish('parley.delivery.requested', [
      { key: letter.key, value: JSON.stringify(letter.event), headers: { ...letter.headers, 'parley-replay-for': letter.consumer } },
    ]);
    // A later request of the room shares its partition: once it is sent, the copy above was handled.
    const later = `after the replay ${randomUUID()}`;
    const next = await api('POST', `/v1/rooms/${thread.roomId}/messages`, { token: thread.agent.token, body: { content: later, source: 'sms' } });
    await eventually(() => deliveryOf(thread.agent.token, thread.roomId, next.body.id), (delivery) => delivery?.status === 'sent', 'the later SMS sent');
    expect(await twilioCalls(content)).toHaveLength(6);
    expect((await deadLettersOf(thread.admin.token)).body.data.map((item: { id: string }) => item.id)).toEqual([letter.id]);
  });

  it('parks a delivery once when outbound-delivery dies after recording its failure and before parking it', async () => {
    const thread = await supportThread();
    await restartApp('outbound-delivery', { DELIVERY_FAILPOINT: 'delivery.after-failed' });
    let failpointOn = true;
    try {
      const content = `crashed before parking ${randomUUID()}`;
      await failTwilio(503, 5);
      const sent = await api('POST', `/v1/rooms/${thread.roomId}/messages`, { token: thread.agent.token, body: { content, source: 'sms' } });
      expect(sent.status).toBe(201);
      // The failure is recorded and the process is gone (its status event may wait for the restart's outbox sweep).
      const attempts = (await database()).collection('delivery.attempts');
      await eventually(() => attempts.findOne({ _id: sent.body.id as never }), (record) => record?.state === 'failed', 'the failure recorded', 20_000);
      // Back without the failpoint: the request comes again (its offset was never committed) and is parked now.
      await restartApp('outbound-delivery');
      failpointOn = false;
      const listed = await eventually(
        () => deadLettersOf(thread.admin.token, '?topic=parley.delivery.requested'),
        (response) => response.body.data?.length === 1,
        'the dead letter listed after the restart',
        30_000,
      );
      expect(listed.body.data[0]).toMatchObject({ consumer: 'outbound-delivery.delivery-requested', attempts: 5, event: { data: { message_id: sent.body.id } } });
      // A later request of the room shares its partition: once it is sent, the redelivery was handled, once.
      const next = await api('POST', `/v1/rooms/${thread.roomId}/messages`, { token: thread.agent.token, body: { content: `later ${randomUUID()}`, source: 'sms' } });
      await eventually(() => deliveryOf(thread.agent.token, thread.roomId, next.body.id), (delivery) => delivery?.status === 'sent', 'the later SMS sent', 20_000);
      expect((await deadLettersOf(thread.admin.token)).body.data).toHaveLength(1);
      expect(await twilioCalls(content)).toHaveLength(5);
      const record = await attempts.findOne({ _id: sent.body.id as never });
      expect(record?.attempts.map((attempt: { outcome: string }) => attempt.outcome)).toEqual(['transient', 'transient', 'transient', 'transient', 'transient']);
      expect(await deliveryOf(thread.agent.token, thread.roomId, sent.body.id)).toMatchObject({ status: 'failed' });
    } finally {
      if (failpointOn) await restartApp('outbound-delivery');
    }
  });

  it('documents both routes, their scope and their errors, in the OpenAPI document', async () => {
    const { paths } = (await api('GET', '/swagger/json')).body;
    expect(Object.keys(paths['/admin/dead-letters'])).toEqual(['get']);
    expect(Object.keys(paths['/admin/dead-letters'].get.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403']));
    expect(paths['/admin/dead-letters'].get.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(
      expect.arrayContaining(['topic', 'before', 'after', 'limit']),
    );
    expect(Object.keys(paths['/admin/dead-letters/{id}/replay'].post.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404']));
  });

  it('pages an account\'s dead letters newest first, and answers 422 naming after for before with after', async () => {
    const thread = await supportThread();
    const first = await doomedSms(thread, `first ${randomUUID()}`);
    const second = await doomedSms(thread, `second ${randomUUID()}`);
    await eventually(() => deadLettersOf(thread.admin.token), (response) => response.body.data?.length === 2, 'both dead letters listed');
    const page1 = await deadLettersOf(thread.admin.token, '?limit=1');
    expect(page1.body.data.map((item: { event: { data: { message_id: string } } }) => item.event.data.message_id)).toEqual([second.body.id]);
    expect(page1.body.next).toEqual(expect.any(String));
    const page2 = await deadLettersOf(thread.admin.token, `?limit=1&before=${page1.body.next}`);
    expect(page2.body.data.map((item: { event: { data: { message_id: string } } }) => item.event.data.message_id)).toEqual([first.body.id]);
    expect(page2.body.next).toBeNull();
    const back = await deadLettersOf(thread.admin.token, `?limit=1&after=${page2.body.previous}`);
    expect(back.body.data.map((item: { id: string }) => item.id)).toEqual(page1.body.data.map((item: { id: string }) => item.id));
    expect((await deadLettersOf(thread.admin.token, '?before=garbage')).status).toBe(400);
    const both = await deadLettersOf(thread.admin.token, `?before=${page1.body.next}&after=${page2.body.previous}`);
    expect([both.status, both.body.details?.[0]?.field]).toEqual([422, 'after']);
  });

  it('keeps what any app parks, and replays it to the consumer that failed it only', async () => {
    const admin = await newMember(newAccountId(), ADMIN);
    const roomKey = randomBytes(12).toString('hex');
    // A message.created whose data is not a message: neither rooms nor realtime can handle it, however often they try.
    const poison = { id: randomUUID(), type: 'parley.message.created', version: 1, occurredAt: new Date().toISOString(), accountId: admin.accountId, key: roomKey, actor: null, data: { room_id: 'not-an-id' } };
    await publish('parley.message.created', [{ key: roomKey, value: JSON.stringify(poison), headers: { 'x-correlation-id': 'poison-1' } }]);
    type Listed = { id: string; consumer: string; group: string; error: string; attempts: number; replayed: unknown; headers: Record<string, string>; event: { id: string } };
    const of = (consumer: string, response: { body: { data?: Listed[] } }) => (response.body.data ?? []).filter((item) => item.consumer === consumer);
    const listed = await eventually(
      () => deadLettersOf(admin.token, '?topic=parley.message.created'),
      (response) => of('rooms.message-created', response).length === 1 && of('realtime.message-created', response).length === 1,
      'the dead letters of rooms and realtime listed',
      20_000,
    );
    const [letter] = of('rooms.message-created', listed);
    expect(letter).toMatchObject({ group: 'rooms', attempts: 5, headers: { 'x-correlation-id': 'poison-1' }, event: { id: poison.id } });
    expect(letter.error).toMatch(/room_id/);
    expect(of('realtime.message-created', listed)[0]).toMatchObject({ group: 'realtime', event: { id: poison.id } });

    expect((await api('POST', `/admin/dead-letters/${letter.id}/replay`, { token: admin.token })).status).toBe(200);
    // Still not applicable: rooms parks it again, as a new dead letter...
    const after = await eventually(
      () => deadLettersOf(admin.token, '?topic=parley.message.created'),
      (response) => of('rooms.message-created', response).length === 2,
      'the replay parked again',
      20_000,
    );
    const [again] = of('rooms.message-created', after);
    expect(again.id).not.toBe(letter.id);
    expect(again).toMatchObject({ replayed: null, event: { id: poison.id } });
    // ...while realtime, the topic's other consumer, passed the replay by (it would have parked it as well by now).
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(of('realtime.message-created', await deadLettersOf(admin.token, '?topic=parley.message.created'))).toHaveLength(1);
  });
});
