import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPrivateKey, sign } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io-client';
import twilio from 'twilio';
import {
  api,
  closeStores,
  collect,
  connectSocket,
  database,
  eventually,
  newAccountId,
  newMember,
  readState,
  restartApp,
  startSendgridStandIn,
  startTwilioStandIn,
  topicSize,
  type TestMember,
} from '@parley/testing';

const ADMIN = ['conversation', 'conversation.support', 'conversation.admin'];
const AGENT = ['conversation', 'conversation.support'];

let counter = 0;
/** A number unique to this run, E.164. */
function newNumber(prefix = '1666'): string {
  counter += 1;
  return `+${prefix}${String(Date.now() % 10_000_000).padStart(7, '0')}${String(counter).padStart(3, '0')}`;
}

const env = () => readState().env;

/** Posts a form to a Twilio webhook of the gateway, signed as Twilio signs it (or forged). */
async function twilioWebhook(path: string, form: Record<string, string>, { forged = false } = {}) {
  const url = `${env().PUBLIC_URL}${path}`;
  const signature = twilio.getExpectedTwilioSignature(forged ? 'not-the-token' : env().TWILIO_AUTH_TOKEN, url, form);
  return api('POST', path, { rawBody: new URLSearchParams(form).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature } });
}

/** Posts an Inbound Parse email (multipart) to the gateway. */
async function inboundEmail(fields: Record<string, string>, secret = env().INBOUND_EMAIL_SECRET, account?: string) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const query = new URLSearchParams({ secret, ...(account ? { account } : {}) });
  const response = await fetch(`${env().GATEWAY_URL}/webhooks/sendgrid/inbound?${query}`, { method: 'POST', body: form });
  return { status: response.status, body: await response.json().catch(() => null) };
}

/** Posts SendGrid events to the gateway, signed with the event webhook's key (or forged). */
async function sendgridEvents(events: unknown[], { forged = false } = {}) {
  const payload = JSON.stringify(events);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = createPrivateKey(env().SENDGRID_WEBHOOK_PRIVATE_KEY_PEM);
  const signature = sign('sha256', Buffer.from(timestamp + (forged ? `${payload} ` : payload)), key).toString('base64');
  return api('POST', '/webhooks/sendgrid/events', {
    rawBody: payload,
    headers: { 'content-type': 'application/json', 'x-twilio-email-event-webhook-signature': signature, 'x-twilio-email-event-webhook-timestamp': timestamp },
  });
}

/** What a stand-in received since it was cleared. */
async function received(standIn: 'twilio' | 'sendgrid'): Promise<{ method: string; path: string; body: any; headers: Record<string, string> }[]> {
  const base = standIn === 'twilio' ? env().TWILIO_BASE_URL : env().SENDGRID_BASE_URL;
  return (await fetch(`${base}/_stand-in/requests`)).json() as never;
}

/** The messages Twilio's API (the stand-in) holds for one recipient, as its list answers them. */
async function twilioMessagesTo(to: string): Promise<{ sid: string; body: string; status: string }[]> {
  const { TWILIO_BASE_URL, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN } = env();
  const response = await fetch(`${TWILIO_BASE_URL}/2010-04-01/Accounts/${TWILIO_ACCOUNT_SID}/Messages.json?${new URLSearchParams({ To: to })}`, {
    headers: { authorization: `Basic ${Buffer.from(`${TWILIO_ACCOUNT_SID}:${TWILIO_AUTH_TOKEN}`).toString('base64')}` },
  });
  return ((await response.json()) as { messages: { sid: string; body: string; status: string }[] }).messages;
}

async function failNext(standIn: 'twilio' | 'sendgrid', failure: { status?: number; mode?: 'timeout' | 'lost-answer'; times: number }): Promise<void> {
  const base = standIn === 'twilio' ? env().TWILIO_BASE_URL : env().SENDGRID_BASE_URL;
  await fetch(`${base}/_stand-in/fail`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(failure) });
}

interface Desk {
  accountId: string;
  admin: TestMember;
  agent: TestMember;
  inboxId: string;
  number: string;
  address: string;
}

/** An account with one agent in an inbox that owns a number and an address. */
async function desk(): Promise<Desk> {
  const accountId = newAccountId();
  const admin = await newMember(accountId, ADMIN);
  const agent = await newMember(accountId, AGENT);
  const number = newNumber('1777');
  const address = `help-${counter}-${Date.now()}@acme.test`;
  const inbox = await api('POST', '/v1/support/inboxes', {
    token: admin.token,
    body: { name: 'Help', members: [agent.conversationId], channels: { phone_numbers: [number], email_addresses: [address] } },
  });
  expect(inbox.status).toBe(201);
  return { accountId, admin, agent, inboxId: inbox.body.id, number, address };
}

/** The support room of a contact, once routing assigned it. */
async function roomOf(token: string, inboxId: string) {
  const listed = await eventually(
    () => api('GET', `/v1/support/rooms?inbox_id=${inboxId}`, { token }),
    (response) => response.body.data?.length === 1 && response.body.data[0].support.assignee !== null,
    'the contact\'s room assigned',
  );
  return listed.body.data[0];
}

async function messagesOf(token: string, roomId: string) {
  return (await api('GET', `/v1/rooms/${roomId}/messages`, { token })).body.data as any[];
}

/** A room's message once its delivery has reached `status`. */
async function deliveryReached(token: string, roomId: string, messageId: string, status: string, description: string, timeoutMs?: number) {
  return eventually(
    async () => (await messagesOf(token, roomId)).find((message) => message.id === messageId),
    (message) => message?.delivery?.status === status,
    description,
    timeoutMs,
  );
}

/** Presigns and uploads a file as a client would; its storage key. */
async function uploaded(token: string, name: string, contentType: string, bytes: Uint8Array): Promise<string> {
  const presigned = await api('POST', '/v1/attachments', { token, body: { name, content_type: contentType, size: bytes.length } });
  expect(presigned.status).toBe(201);
  expect((await fetch(presigned.body.upload_url, { method: 'PUT', headers: presigned.body.headers, body: bytes })).status).toBe(200);
  return presigned.body.storage_key;
}

describe('SMS and email in support threads', () => {
  const sockets: Socket[] = [];
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  afterAll(closeStores);

  describe('inbound', () => {
    it('opens and routes a support room from an inbound SMS, answers empty TwiML, and stores a retry of the same MessageSid once', async () => {
      const { admin, agent, inboxId, number } = await desk();
      const from = newNumber();
      const form = { MessageSid: `SM${Date.now()}${counter}`, AccountSid: env().TWILIO_ACCOUNT_SID, From: from, To: number, Body: 'Is my parcel coming?', NumMedia: '0' };
      const first = await twilioWebhook('/webhooks/twilio/sms', form);
      expect(first.status).toBe(200);
      expect(first.headers.get('content-type')).toMatch(/xml/);
      expect(first.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
      expect((await twilioWebhook('/webhooks/twilio/sms', form)).status).toBe(200);
      const room = await roomOf(admin.token, inboxId);
      expect(room.support).toMatchObject({ contact: { phone: from }, assignee: agent.conversationId });
      const messages = await messagesOf(agent.token, room.id);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({ content: 'Is my parcel coming?', source: 'sms', conversation_id: null, contact: { phone: from } });
    });

    it('refuses an SMS webhook with a forged signature with 403 and stores nothing', async () => {
      const { admin, inboxId, number } = await desk();
      const forged = await twilioWebhook('/webhooks/twilio/sms', { MessageSid: `SM-forged-${Date.now()}`, From: newNumber(), To: number, Body: 'hi' }, { forged: true });
      expect(forged.status).toBe(403);
      const unsigned = await api('POST', '/webhooks/twilio/sms', { rawBody: 'From=%2B1&To=%2B2&Body=x&MessageSid=SMx', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(unsigned.status).toBe(403);
      expect((await api('GET', `/v1/support/rooms?inbox_id=${inboxId}`, { token: admin.token })).body.data).toEqual([]);
    });

    it('opens a room from an inbound email and keeps a contact who texts and then emails in one room, each message with its channel', async () => {
      const { admin, agent, inboxId, number, address, accountId } = await desk();
      const phone = newNumber();
      await (await database()).collection('crm.contacts').insertOne({ account_id: accountId, name: 'Gina Both', phone, email: 'gina@example.com' });
      await twilioWebhook('/webhooks/twilio/sms', { MessageSid: `SM-g-${Date.now()}`, From: phone, To: number, Body: 'texting first' });
      const email = await inboundEmail({
        to: `Help <${address}>`,
        from: 'Gina Both <GINA@example.com>',
        subject: 'Following up',
        text: 'and now by email',
        html: '<p>and now by <b>email</b></p>',
        headers: `Message-ID: <g-${Date.now()}@mail.example>\r\nSubject: Following up`,
      });
      expect(email.status).toBe(200);
      const room = await roomOf(admin.token, inboxId);
      expect(room.support.contact).toMatchObject({ name: 'Gina Both', phone, email: 'gina@example.com' });
      const messages = await eventually(() => messagesOf(agent.token, room.id), (found) => found.length === 2, 'both messages');
      expect(messages.map((message) => [message.source, message.content])).toEqual([
        ['email', 'and now by email'],
        ['sms', 'texting first'],
      ]);
      expect(messages[0].subject).toBe('Following up');
    });

    it('names the contact by their address when the sender\'s display name cannot be shown as a name, and keeps the email', async () => {
      const { admin, agent, inboxId, address } = await desk();
      const email = await inboundEmail({ to: address, from: '"\u202eevil\u0007" <spoof@example.com>', subject: 'Hi', text: 'my text must not be lost', headers: `Message-ID: <spoof-${Date.now()}@mail.example>` });
      expect(email.status).toBe(200);
      const room = await roomOf(admin.token, inboxId);
      expect(room.support.contact).toEqual({ email: 'spoof@example.com' });
      expect((await api('GET', `/v1/rooms/${room.id}`, { token: agent.token })).body.name).toBe('spoof@example.com');
      expect((await messagesOf(agent.token, room.id)).map((message) => message.content)).toEqual(['my text must not be lost']);
    });

    it('copies an MMS\'s media and an email\'s attachments into the bucket, as attachments of the contact\'s messages', async () => {
      const { admin, agent, inboxId, number, address } = await desk();
      const photo = Buffer.from('a photo of the broken part');
      const media = (await (await fetch(`${env().TWILIO_BASE_URL}/_stand-in/media`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: photo })).json()) as { url: string };
      const phone = newNumber();
      const mms = await twilioWebhook('/webhooks/twilio/sms', { MessageSid: `SM-mms-${Date.now()}`, From: phone, To: number, Body: '', NumMedia: '1', MediaUrl0: media.url, MediaContentType0: 'image/jpeg' });
      expect(mms.status).toBe(200);
      const form = new FormData();
      for (const [name, value] of Object.entries({ to: address, from: 'ivy@example.com', subject: 'Receipt', text: 'see attached', headers: `Message-ID: <ivy-${Date.now()}@mail.example>` })) form.append(name, value);
      form.append('attachment1', new Blob([Buffer.from('receipt 42 EUR')], { type: 'text/plain' }), 'receipt.txt');
      const emailed = await fetch(`${env().GATEWAY_URL}/webhooks/sendgrid/inbound?secret=${env().INBOUND_EMAIL_SECRET}`, { method: 'POST', body: form });
      expect(emailed.status).toBe(200);

      const rooms = await eventually(
        () => api('GET', `/v1/support/rooms?inbox_id=${inboxId}`, { token: admin.token }),
        (response) => response.body.data?.length === 2,
        'two rooms',
      );
      const files: { content: string; attachments: any[] }[] = [];
      for (const room of rooms.body.data) files.push(...(await messagesOf(agent.token, room.id)));
      const mmsMessage = files.find((message) => message.content === '[1 attachment]');
      expect(mmsMessage?.attachments).toEqual([expect.objectContaining({ name: 'media-0.jpg', size: photo.length, content_type: 'image/jpeg' })]);
      expect(Buffer.from(await (await fetch(mmsMessage?.attachments[0].url)).arrayBuffer())).toEqual(photo);
      const emailMessage = files.find((message) => message.content === 'see attached');
      expect(emailMessage?.attachments).toEqual([expect.objectContaining({ name: 'receipt.txt', content_type: 'text/plain' })]);
      expect(await (await fetch(emailMessage?.attachments[0].url)).text()).toBe('receipt 42 EUR');
    });

    it('leaves out a customer\'s file of a type ATTACHMENT_DENIED_TYPES refuses, keeps their message and the other files, and logs the drop', async () => {
      const { admin, agent, inboxId, number, address } = await desk();
      const emailId = `evil-${Date.now()}@mail.example`;
      const form = new FormData();
      for (const [name, value] of Object.entries({ to: address, from: 'mallory@example.com', subject: 'Invoice', text: 'please run the invoice', headers: `Message-ID: <${emailId}>` })) form.append(name, value);
      form.append('attachment1', new Blob([Buffer.from('MZ')], { type: 'application/x-msdownload' }), 'evil.exe');
      form.append('attachment2', new Blob([Buffer.from('invoice 7')], { type: 'text/plain' }), 'invoice.txt');
      const emailed = await fetch(`${env().GATEWAY_URL}/webhooks/sendgrid/inbound?secret=${env().INBOUND_EMAIL_SECRET}`, { method: 'POST', body: form });
      expect(emailed.status).toBe(200);
      const media = (await (await fetch(`${env().TWILIO_BASE_URL}/_stand-in/media`, { method: 'POST', headers: { 'content-type': 'application/x-sh' }, body: 'rm -rf /' })).json()) as { url: string };
      const smsId = `SM-evil-${Date.now()}`;
      const mms = await twilioWebhook('/webhooks/twilio/sms', { MessageSid: smsId, From: newNumber(), To: number, Body: 'run this', NumMedia: '1', MediaUrl0: media.url, MediaContentType0: 'application/x-sh' });
      expect(mms.status).toBe(200);

      const rooms = await eventually(
        () => api('GET', `/v1/support/rooms?inbox_id=${inboxId}`, { token: admin.token }),
        (response) => response.body.data?.length === 2,
        'two rooms',
      );
      const messages: { content: string; attachments?: any[] }[] = [];
      for (const room of rooms.body.data) messages.push(...(await messagesOf(agent.token, room.id)));
      const email = messages.find((message) => message.content === 'please run the invoice');
      expect(email?.attachments).toEqual([expect.objectContaining({ name: 'invoice.txt', content_type: 'text/plain' })]);
      const sms = messages.find((message) => message.content === 'run this');
      expect(sms).toBeDefined();
      expect(sms?.attachments ?? []).toEqual([]);
      const drops = readFileSync(join(readState().runDir, 'gateway.log'), 'utf8')
        .split('\n')
        .filter((line) => line.includes('ATTACHMENT_DENIED_TYPES') && (line.includes(emailId) || line.includes(smsId)))
        .map((line) => JSON.parse(line) as { file: string; contentType: string; channel: string });
      expect(drops.map(({ channel, file, contentType }) => ({ channel, file, contentType })).sort((a, b) => a.channel.localeCompare(b.channel))).toEqual([
        { channel: 'email', file: 'evil.exe', contentType: 'application/x-msdownload' },
        { channel: 'sms', file: 'media-0', contentType: 'application/x-sh' },
      ]);
    });

    it('refuses inbound email without the secret with 403 and stores nothing', async () => {
      const { admin, inboxId, address } = await desk();
      const refused = await inboundEmail({ to: address, from: 'x@example.com', text: 'hi', headers: '' }, 'wrong-secret');
      expect(refused.status).toBe(403);
      expect((await api('GET', `/v1/support/rooms?inbox_id=${inboxId}`, { token: admin.token })).body.data).toEqual([]);
    });

    it('gives an SMS to a number no inbox owns to the account\'s default SMS inbound conversation, as its direct room with the contact, answered from that number', async () => {
      const { agent, accountId } = await desk();
      expect((await api('PATCH', '/v1/conversations/me', { token: agent.token, body: { default_sms_inbound: true } })).status).toBe(200);
      const from = newNumber();
      const to = newNumber('1555');
      const form = { MessageSid: `SM-d-${Date.now()}`, From: from, To: to, Body: 'who is this?' };
      expect((await twilioWebhook(`/webhooks/twilio/sms?account=${accountId}`, form)).status).toBe(200);
      const rooms = await eventually(() => api('GET', '/v1/rooms?type=direct', { token: agent.token }), (response) => response.body.data?.length === 1, 'the direct room');
      const room = rooms.body.data[0];
      expect(room).toMatchObject({ type: 'direct', members: [{ conversation_id: agent.conversationId }], unread_count: 1, support: { inbox_id: null, contact: { phone: from }, assignee: agent.conversationId } });
      const answer = await api('POST', `/v1/rooms/${room.id}/messages`, { token: agent.token, body: { content: `this is Acme ${Date.now()}`, source: 'sms' } });
      expect(answer.status).toBe(201);
      const calls = await eventually(
        async () => (await received('twilio')).filter((call) => call.method === 'POST' && call.body?.Body === answer.body.content),
        (found) => found.length === 1,
        'the answer at Twilio',
      );
      expect(calls[0].body).toMatchObject({ To: from, From: to });
    });

    it('keeps an inbound SMS to a number no inbox owns as unrouted, listed for the account\'s admins, once', async () => {
      const { admin, accountId } = await desk();
      const form = { MessageSid: `SM-u-${Date.now()}`, From: newNumber(), To: newNumber('1888'), Body: 'anyone?' };
      const path = `/webhooks/twilio/sms?account=${accountId}`;
      expect((await twilioWebhook(path, form)).status).toBe(200);
      expect((await twilioWebhook(path, form)).status).toBe(200);
      const unrouted = await api('GET', '/v1/support/unrouted', { token: admin.token });
      expect(unrouted.status).toBe(200);
      expect(unrouted.body.data).toHaveLength(1);
      expect(unrouted.body.data[0]).toMatchObject({ channel: 'sms', to: form.To, from: form.From, content: 'anyone?', external_id: form.MessageSid });
    });

    it('keeps an SMS to the number of a deleted inbox for the account that held it, listed for its admins', async () => {
      const { admin, inboxId, number } = await desk();
      expect((await api('DELETE', `/v1/support/inboxes/${inboxId}`, { token: admin.token })).status).toBe(204);
      const form = { MessageSid: `SM-d-${Date.now()}`, From: newNumber(), To: number, Body: 'are you still there?' };
      // As Twilio posts it for a number whose webhook names no account.
      expect((await twilioWebhook('/webhooks/twilio/sms', form)).status).toBe(200);
      const unrouted = await api('GET', '/v1/support/unrouted', { token: admin.token });
      expect(unrouted.body.data).toEqual([expect.objectContaining({ channel: 'sms', to: number, content: 'are you still there?', external_id: form.MessageSid })]);
    });
  });

  describe('outbound', () => {
    /** A routed room with a contact who has a number and an address, and the agent's socket. */
    async function openThread() {
      const team = await desk();
      const phone = newNumber();
      const opened = await api('POST', '/v1/support/rooms', {
        token: team.admin.token,
        body: { inbox_id: team.inboxId, contact: { name: 'Hal', phone, email: `hal-${counter}@example.com` }, content: 'Hello?' },
      });
      expect(opened.status).toBe(201);
      await roomOf(team.admin.token, team.inboxId);
      const socket = await connectSocket(team.agent.token);
      sockets.push(socket);
      return { ...team, roomId: opened.body.id as string, phone, email: `hal-${counter}@example.com`, socket };
    }

    it('sends the assignee\'s SMS answer once through Twilio\'s API, and its status comes back live', async () => {
      const { agent, roomId, phone, number, socket } = await openThread();
      const updates = collect(socket, 'message_updated');
      const body = `Your parcel ships today ${Date.now()}`;
      const sent = await api('POST', `/v1/rooms/${roomId}/messages`, { token: agent.token, body: { content: body, source: 'sms' } });
      expect(sent.status).toBe(201);
      expect(sent.body.delivery).toMatchObject({ channel: 'sms', status: 'queued' });
      const delivered = await deliveryReached(agent.token, roomId, sent.body.id, 'sent', 'the SMS sent');
      const calls = (await received('twilio')).filter((call) => call.method === 'POST' && call.body?.Body === body);
      expect(calls).toHaveLength(1);
      expect(calls[0].path).toBe(`/2010-04-01/Accounts/${env().TWILIO_ACCOUNT_SID}/Messages.json`);
      expect(calls[0].body).toMatchObject({ To: phone, From: number, StatusCallback: `${env().PUBLIC_URL}/webhooks/twilio/status` });
      const sid = delivered.delivery.provider_id;
      expect(sid).toMatch(/^SM[0-9a-f]{32}$/);

      expect((await twilioWebhook('/webhooks/twilio/status', { MessageSid: sid, MessageStatus: 'delivered' }, { forged: true })).status).toBe(403);
      expect((await twilioWebhook('/webhooks/twilio/status', { MessageSid: sid, MessageStatus: 'delivered' })).status).toBe(200);
      await eventually(() => updates, (pushes) => pushes.some((push) => push.message.id === sent.body.id && push.message.delivery?.status === 'delivered'), 'message_updated with delivered');

      // The customer has the text that went out: an edit would reach nobody, so it is refused and changes nothing.
      const edited = await api('PATCH', `/v1/messages/${sent.body.id}`, { token: agent.token, body: { content: 'It ships TOMORROW actually' } });
      expect(edited.status).toBe(409);
      expect(edited.body.message).toMatch(/SMS/);
      const history = await api('GET', `/v1/messages/${sent.body.id}/history`, { token: agent.token });
      expect(history.body).toMatchObject({ edits: [], current: { content: body, edited_at: null } });
    });

    it('answers a customer\'s email in its thread: Re: its subject and In-Reply-To its Message-ID; a subject of two lines is a 400', async () => {
      const { admin, agent, inboxId, address } = await desk();
      const messageId = `dana-${Date.now()}@mail.example`;
      const email = await inboundEmail({ to: address, from: 'Dana <dana@example.com>', subject: 'Refund for order 7', text: 'Please refund', headers: `Message-ID: <${messageId}>` });
      expect(email.status).toBe(200);
      const room = await roomOf(admin.token, inboxId);
      const twoLines = await api('POST', `/v1/rooms/${room.id}/messages`, { token: agent.token, body: { content: 'x', source: 'email', subject: 'Hi\r\nBcc: someone@evil.example' } });
      expect([twoLines.status, twoLines.body.details?.[0]?.field]).toEqual([400, 'subject']);
      const content = `Refund issued ${Date.now()}`;
      const sent = await api('POST', `/v1/rooms/${room.id}/messages`, { token: agent.token, body: { content, source: 'email' } });
      expect(sent.status).toBe(201);
      expect(sent.body.subject).toBe('Re: Refund for order 7');
      const calls = await eventually(
        async () => (await received('sendgrid')).filter((call) => call.path === '/v3/mail/send' && JSON.stringify(call.body).includes(content)),
        (found) => found.length === 1,
        'the answer at SendGrid',
      );
      expect(calls[0].body).toMatchObject({ subject: 'Re: Refund for order 7', headers: { 'In-Reply-To': `<${messageId}>`, References: `<${messageId}>` } });
    });

    it('sends an email answer through SendGrid with its subject, and a signed delivered event reaches the message; a forged one is refused', async () => {
      const { agent, roomId, email, address } = await openThread();
      const content = `Here is your invoice ${Date.now()}`;
      const sent = await api('POST', `/v1/rooms/${roomId}/messages`, { token: agent.token, body: { content, source: 'email', subject: 'Your invoice' } });
      expect(sent.status).toBe(201);
      const mailed = await deliveryReached(agent.token, roomId, sent.body.id, 'sent', 'the email sent');
      const calls = (await received('sendgrid')).filter((call) => call.path === '/v3/mail/send' && JSON.stringify(call.body).includes(content));
      expect(calls).toHaveLength(1);
      expect(calls[0].body).toMatchObject({
        personalizations: [{ to: [{ email }] }],
        from: { email: address },
        subject: 'Your invoice',
        content: [{ type: 'text/plain', value: content }],
        custom_args: { parley_message_id: sent.body.id },
      });
      const event = { sg_message_id: `${mailed.delivery.provider_id}.filterdrecv-1`, event: 'delivered', email };
      expect((await sendgridEvents([event], { forged: true })).status).toBe(403);
      const applied = await sendgridEvents([event]);
      expect(applied.status).toBe(200);
      expect(applied.body).toEqual({ applied: 1 });
      await deliveryReached(agent.token, roomId, sent.body.id, 'delivered', 'delivered');
    });

    it('attaches stored files to an email and links them (presigned) in an MMS', async () => {
      const { agent, roomId } = await openThread();
      const bytes = Buffer.from('quote #7: 120 EUR');
      const key = await uploaded(agent.token, 'quote.txt', 'text/plain', bytes);
      const attachments = [{ name: 'quote.txt', size: bytes.length, content_type: 'text/plain', storage_key: key }];
      const content = `quote attached ${Date.now()}`;
      const email = await api('POST', `/v1/rooms/${roomId}/messages`, { token: agent.token, body: { content, source: 'email', subject: 'Quote', attachments } });
      const sms = await api('POST', `/v1/rooms/${roomId}/messages`, { token: agent.token, body: { content: `${content} (sms)`, source: 'sms', attachments } });
      expect([email.status, sms.status]).toEqual([201, 201]);
      const mailed = await eventually(
        async () => (await received('sendgrid')).filter((call) => call.path === '/v3/mail/send' && JSON.stringify(call.body).includes(content)),
        (calls) => calls.length === 1,
        'the email at SendGrid',
      );
      expect(mailed[0].body.attachments).toEqual([{ content: bytes.toString('base64'), filename: 'quote.txt', type: 'text/plain', disposition: 'attachment' }]);
      const texted = await eventually(
        async () => (await received('twilio')).filter((call) => call.method === 'POST' && call.body?.Body === `${content} (sms)`),
        (calls) => calls.length === 1,
        'the MMS at Twilio',
      );
      const mediaUrl: string = texted[0].body.MediaUrl;
      expect(mediaUrl).toMatch(/X-Amz-Signature=/);
      expect(Buffer.from(await (await fetch(mediaUrl)).arrayBuffer())).toEqual(bytes);
    });

    it('retries transient failures (500, 429, a timeout) with backoff and then sends once', async () => {
      const { agent, roomId } = await openThread();
      await failNext('twilio', { status: 500, times: 1 });
      await failNext('twilio', { status: 429, times: 1 });
      await failNext('twilio', { mode: 'timeout', times: 1 });
      const body = `retry me ${Date.now()}`;
      const sent = await api('POST', `/v1/rooms/${roomId}/messages`, { token: agent.token, body: { content: body, source: 'sms' } });
      await deliveryReached(agent.token, roomId, sent.body.id, 'sent', 'sent after the retries', 20_000);
      expect((await received('twilio')).filter((call) => call.method === 'POST' && call.body?.Body === body)).toHaveLength(4);
      const record = await (await database()).collection('delivery.attempts').findOne({ _id: sent.body.id as never });
      expect(record?.attempts.map((attempt: { outcome: string }) => attempt.outcome)).toEqual(['transient', 'transient', 'transient', 'sent']);
    });

    it('fails a permanent refusal at once, and fails and dead-letters a message whose transient failures outlast the retries', async () => {
      const { agent, roomId } = await openThread();
      await failNext('twilio', { status: 400, times: 1 });
      const refused = await api('POST', `/v1/rooms/${roomId}/messages`, { token: agent.token, body: { content: `refused ${Date.now()}`, source: 'sms' } });
      const failed = await deliveryReached(agent.token, roomId, refused.body.id, 'failed', 'failed at once');
      expect(failed.delivery.error_code).toBe('21211');
      expect((await (await database()).collection('delivery.attempts').findOne({ _id: refused.body.id as never }))?.attempts).toHaveLength(1);

      const parked = await topicSize('parley.delivery.requested.dlq');
      await failNext('twilio', { status: 503, times: 5 });
      const doomed = await api('POST', `/v1/rooms/${roomId}/messages`, { token: agent.token, body: { content: `doomed ${Date.now()}`, source: 'sms' } });
      const gaveUp = await deliveryReached(agent.token, roomId, doomed.body.id, 'failed', 'failed after the retries', 20_000);
      expect(gaveUp.delivery.error_code).toBe('20500');
      const record = await (await database()).collection('delivery.attempts').findOne({ _id: doomed.body.id as never });
      expect(record?.attempts).toHaveLength(5);
      await eventually(() => topicSize('parley.delivery.requested.dlq'), (size) => size === parked + 1, 'the request on its dead-letter topic');
    });

    it.each(['sms', 'email'] as const)('sends an %s once when the provider took it but its answer was lost: the retry asks the provider first', async (channel) => {
      const { agent, roomId } = await openThread();
      await failNext(channel === 'sms' ? 'twilio' : 'sendgrid', { mode: 'lost-answer', times: 1 });
      const content = `answer lost ${channel} ${Date.now()}`;
      const sent = await api('POST', `/v1/rooms/${roomId}/messages`, { token: agent.token, body: { content, source: channel, ...(channel === 'email' ? { subject: 'Lost' } : {}) } });
      expect(sent.status).toBe(201);
      await deliveryReached(agent.token, roomId, sent.body.id, 'sent', `the ${channel} recorded as sent`, 20_000);
      const sends = (await received(channel === 'sms' ? 'twilio' : 'sendgrid')).filter(
        (call) => call.method === 'POST' && (channel === 'sms' ? call.body?.Body === content : call.body?.content?.[0]?.value === content),
      );
      expect(sends).toHaveLength(1);
      const record = await (await database()).collection('delivery.attempts').findOne({ _id: sent.body.id as never });
      expect(record?.attempts.map((attempt: { outcome: string }) => attempt.outcome)).toEqual(['transient', 'found']);
    });

    it('keeps a status report that comes before the delivery knows the provider\'s id, and applies it when the retry finds the message', async () => {
      const { agent, roomId, phone, socket } = await openThread();
      const updates = collect(socket, 'message_updated');
      // The answer is lost and the retry is a minute away, so Twilio's report comes first.
      await restartApp('outbound-delivery', { DELIVERY_BACKOFF_MS: '60000', DELIVERY_BACKOFF_MAX_MS: '60000' });
      try {
        await failNext('twilio', { mode: 'lost-answer', times: 1 });
        const content = `reported early ${Date.now()}`;
        const sent = await api('POST', `/v1/rooms/${roomId}/messages`, { token: agent.token, body: { content, source: 'sms' } });
        const [taken] = await eventually(
          async () => (await twilioMessagesTo(phone)).filter((message) => message.body === content),
          (messages) => messages.length === 1,
          'Twilio has the SMS',
        );
        await eventually(
          async () => (await (await database()).collection('delivery.attempts').findOne({ _id: sent.body.id as never }))?.attempts ?? [],
          (attempts) => attempts.length === 1,
          'the unanswered attempt recorded',
        );
        expect((await twilioWebhook('/webhooks/twilio/status', { MessageSid: taken.sid, MessageStatus: 'delivered' })).status).toBe(200);
        expect((await messagesOf(agent.token, roomId)).find((message) => message.id === sent.body.id)?.delivery?.status).toBe('queued');
        // The retry (at once after a restart) finds the message at Twilio, records it and takes the report.
        await restartApp('outbound-delivery');
        const delivered = await deliveryReached(agent.token, roomId, sent.body.id, 'delivered', 'delivered once the retry found it', 30_000);
        expect(delivered.delivery.provider_id).toBe(taken.sid);
        await eventually(() => updates, (pushes) => pushes.some((push) => push.message.id === sent.body.id && push.message.delivery?.status === 'delivered'), 'message_updated with delivered');
        expect(await (await database()).collection('delivery.early_reports').countDocuments({ _id: `twilio:${taken.sid}` as never })).toBe(0);
      } finally {
        await restartApp('outbound-delivery');
      }
    });

    it('resolves the open rooms of a deleted inbox and sends nothing more from them: its number may be another inbox\'s now', async () => {
      const { admin, agent, roomId, inboxId } = await openThread();
      expect((await api('DELETE', `/v1/support/inboxes/${inboxId}`, { token: admin.token })).status).toBe(204);
      await eventually(() => api('GET', `/v1/rooms/${roomId}`, { token: agent.token }), (response) => response.body.support?.status === 'resolved', 'the room resolved');
      const sms = await api('POST', `/v1/rooms/${roomId}/messages`, { token: agent.token, body: { content: 'still here?', source: 'sms' } });
      expect(sms.status).toBe(409);
      expect(sms.body.message).toMatch(/inbox was deleted/);
      expect((await messagesOf(agent.token, roomId)).map((message) => message.content)).not.toContain('still here?');
    });

    it('answers from the inbox number or address the customer wrote to, not the inbox\'s first', async () => {
      const team = await desk();
      const [secondNumber, secondAddress] = [newNumber('1778'), `billing-${counter}-${Date.now()}@acme.test`];
      const changed = await api('PATCH', `/v1/support/inboxes/${team.inboxId}`, {
        token: team.admin.token,
        body: { channels: { phone_numbers: [team.number, secondNumber], email_addresses: [team.address, secondAddress] } },
      });
      expect(changed.status).toBe(200);
      const phone = newNumber();
      expect((await twilioWebhook('/webhooks/twilio/sms', { MessageSid: `SM-w-${Date.now()}`, From: phone, To: secondNumber, Body: 'texting your second number' })).status).toBe(200);
      const roomId = (await roomOf(team.admin.token, team.inboxId)).id;
      const marker = `from-second-${Date.now()}`;
      const sent = await api('POST', `/v1/rooms/${roomId}/messages`, { token: team.agent.token, body: { content: marker, source: 'sms' } });
      expect(sent.status).toBe(201);
      await deliveryReached(team.agent.token, roomId, sent.body.id, 'sent', 'the SMS sent');
      const calls = (await received('twilio')).filter((call) => call.method === 'POST' && call.body?.Body === marker);
      expect(calls.map((call) => [call.body.From, call.body.To])).toEqual([[secondNumber, phone]]);
    });

    it('sends the contact the text the agent wrote, not the stored HTML: entities decoded, tags gone', async () => {
      const { agent, roomId } = await openThread();
      const marker = Date.now();
      const sms = await api('POST', `/v1/rooms/${roomId}/messages`, { token: agent.token, body: { content: `${marker} ships today & costs < $5 <b>promise</b>\nReply STOP`, source: 'sms' } });
      const email = await api('POST', `/v1/rooms/${roomId}/messages`, { token: agent.token, body: { content: `${marker} refund <i>done</i> & closed`, source: 'email', subject: 'Q & A' } });
      expect([sms.status, email.status]).toEqual([201, 201]);
      expect(sms.body.content).toBe(`${marker} ships today &amp; costs &lt; $5 <b>promise</b>\nReply STOP`);
      await deliveryReached(agent.token, roomId, sms.body.id, 'sent', 'the SMS sent');
      await deliveryReached(agent.token, roomId, email.body.id, 'sent', 'the email sent');
      const texted = (await received('twilio')).filter((call) => call.method === 'POST' && String(call.body?.Body).startsWith(String(marker)));
      // The line break typed is kept, though the entities make the text go through an HTML reading.
      expect(texted.map((call) => call.body.Body)).toEqual([`${marker} ships today & costs < $5 promise\nReply STOP`]);
      const mailed = (await received('sendgrid')).filter((call) => call.method === 'POST' && String(call.body?.content?.[0]?.value).startsWith(String(marker)));
      expect(mailed.map((call) => [call.body.content[0].value, call.body.subject])).toEqual([[`${marker} refund done & closed`, 'Q & A']]);
    });

    it('holds up neither the providers\' reports nor the rest while one delivery waits for its retry, and sends it after', async () => {
      const { agent, roomId } = await openThread();
      const first = await api('POST', `/v1/rooms/${roomId}/messages`, { token: agent.token, body: { content: `first ${Date.now()}`, source: 'sms' } });
      const sid = (await deliveryReached(agent.token, roomId, first.body.id, 'sent', 'the first SMS sent')).delivery.provider_id;
      // A retry a minute away: a delivery that slept it out inside its handler would stop this app's consumer for that long.
      await restartApp('outbound-delivery', { DELIVERY_BACKOFF_MS: '60000', DELIVERY_BACKOFF_MAX_MS: '60000' });
      try {
        await failNext('twilio', { status: 503, times: 1 });
        const waiting = await api('POST', `/v1/rooms/${roomId}/messages`, { token: agent.token, body: { content: `waiting ${Date.now()}`, source: 'sms' } });
        await eventually(
          async () => (await (await database()).collection('delivery.attempts').findOne({ _id: waiting.body.id as never }))?.attempts ?? [],
          (attempts) => attempts.length === 1 && attempts[0].outcome === 'transient',
          'the second SMS refused once, its retry scheduled',
        );
        // The provider's report of the first SMS goes through while the second waits.
        expect((await twilioWebhook('/webhooks/twilio/status', { MessageSid: sid, MessageStatus: 'delivered' })).status).toBe(200);
        await deliveryReached(agent.token, roomId, first.body.id, 'delivered', 'the first SMS delivered');
        expect((await messagesOf(agent.token, roomId)).find((message) => message.id === waiting.body.id)?.delivery?.status).toBe('queued');
        // A restart fetches the waiting request again at once: it is sent, once.
        await restartApp('outbound-delivery');
        await deliveryReached(agent.token, roomId, waiting.body.id, 'sent', 'the second SMS sent after its retry', 30_000);
        const attempts = (await (await database()).collection('delivery.attempts').findOne({ _id: waiting.body.id as never }))?.attempts;
        expect(attempts?.map((attempt: { outcome: string }) => attempt.outcome)).toEqual(['transient', 'sent']);
      } finally {
        await restartApp('outbound-delivery');
      }
    });

    it('never sends a private note (a note by SMS is a 422 naming source), and says with 409 why a message cannot go out', async () => {
      const { agent, roomId, admin, inboxId } = await openThread();
      const note = `internal ${Date.now()}`;
      const bySms = await api('POST', `/v1/rooms/${roomId}/messages`, { token: agent.token, body: { content: note, source: 'sms', private: true } });
      expect([bySms.status, bySms.body.details?.[0]?.field]).toEqual([422, 'source']);
      expect((await api('POST', `/v1/rooms/${roomId}/messages`, { token: agent.token, body: { content: note, private: true } })).status).toBe(201);
      const direct = await api('POST', '/v1/rooms', { token: agent.token, body: { type: 'direct', member: admin.conversationId } });
      const noContact = await api('POST', `/v1/rooms/${direct.body.id}/messages`, { token: agent.token, body: { content: 'by sms?', source: 'sms' } });
      expect([noContact.status, noContact.body.details?.[0]?.field]).toEqual([422, 'source']);
      const emailOnly = await api('POST', '/v1/support/rooms', { token: admin.token, body: { inbox_id: inboxId, contact: { email: `only-${Date.now()}@example.com` } } });
      await eventually(() => api('GET', `/v1/rooms/${emailOnly.body.id}`, { token: agent.token }), (response) => response.status === 200, 'the agent sees the room');
      const noNumber = await api('POST', `/v1/rooms/${emailOnly.body.id}/messages`, { token: agent.token, body: { content: 'by sms?', source: 'sms' } });
      expect(noNumber.status).toBe(409);
      expect(noNumber.body.message).toMatch(/no phone number/);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await received('twilio')).filter((call) => call.body?.Body === note)).toEqual([]);
    });

    it('sends exactly one SMS when outbound-delivery dies between the provider call and recording it', async () => {
      const { agent, roomId } = await openThread();
      await restartApp('outbound-delivery', { DELIVERY_FAILPOINT: 'delivery.after-provider-call' });
      const body = `exactly once ${Date.now()}`;
      const sent = await api('POST', `/v1/rooms/${roomId}/messages`, { token: agent.token, body: { content: body, source: 'sms' } });
      await eventually(async () => (await received('twilio')).filter((call) => call.method === 'POST' && call.body?.Body === body).length, (count) => count === 1, 'the provider called once');
      await restartApp('outbound-delivery');
      await deliveryReached(agent.token, roomId, sent.body.id, 'sent', 'recorded as sent after the restart', 30_000);
      expect((await received('twilio')).filter((call) => call.method === 'POST' && call.body?.Body === body)).toHaveLength(1);
      const record = await (await database()).collection('delivery.attempts').findOne({ _id: sent.body.id as never });
      expect(record?.attempts.map((attempt: { outcome: string }) => attempt.outcome)).toEqual(['found']);
    });

    it('answers 429 past the account\'s SMS budget a minute and stores nothing', async () => {
      await restartApp('gateway', { SMS_PER_MINUTE: '2' });
      try {
        const { agent, roomId } = await openThread();
        const statuses = [];
        for (let index = 0; index < 3; index++) {
          statuses.push((await api('POST', `/v1/rooms/${roomId}/messages`, { token: agent.token, body: { content: `budget ${index}`, source: 'sms' } })).status);
        }
        expect(statuses).toEqual([201, 201, 429]);
        expect((await messagesOf(agent.token, roomId)).filter((message) => message.content.startsWith('budget'))).toHaveLength(2);
      } finally {
        await restartApp('gateway');
      }
    });
  });

  // What npm start gives a developer without a Twilio or SendGrid account: stand-ins that report
  // deliveries back as the providers do, and `npm run inbound` to write in as a customer.
  describe('tried locally, as npm start runs it', () => {
    /** `npm run inbound -- <args>` against the test system; its printed answer. */
    async function inbound(...args: string[]): Promise<string> {
      const { stdout } = await promisify(execFile)(process.execPath, ['deploy/local/inbound.mjs', ...args], {
        env: { ...process.env, PARLEY_STATE: process.env.PARLEY_TEST_STATE },
      });
      return stdout.trim();
    }

    /** The inbox's support rooms, once `count` of them are routed. */
    async function roomsOf(token: string, inboxId: string, count: number): Promise<any[]> {
      const listed = await eventually(
        () => api('GET', `/v1/support/rooms?inbox_id=${inboxId}`, { token }),
        (response) => response.body.data?.length === count && response.body.data.every((room: any) => room.support.assignee !== null),
        `${count} routed support rooms`,
      );
      return listed.body.data;
    }

    it('npm run inbound writes in as a customer by SMS and by email, signed as the providers sign, into the inbox\'s routed support rooms', async () => {
      const { agent, inboxId, number, address } = await desk();
      const phone = newNumber();
      expect(await inbound('sms', '--from', phone, '--to', number, '--body', 'Is my parcel coming?')).toMatch(/^200 <\?xml/);
      const [smsRoom] = await roomsOf(agent.token, inboxId, 1);
      expect(smsRoom.support).toMatchObject({ contact: { phone }, assignee: agent.conversationId });
      expect(await messagesOf(agent.token, smsRoom.id)).toEqual([expect.objectContaining({ content: 'Is my parcel coming?', source: 'sms', contact: { phone } })]);

      expect(await inbound('email', '--from', 'Dana <dana@example.com>', '--to', address, '--subject', 'Late order', '--text', 'Still waiting')).toBe('200 {"received":true}');
      const emailRoom = (await roomsOf(agent.token, inboxId, 2)).find((room) => room.id !== smsRoom.id);
      expect(emailRoom.support.contact).toEqual({ name: 'Dana', email: 'dana@example.com' });
      expect(await messagesOf(agent.token, emailRoom.id)).toEqual([
        expect.objectContaining({ content: 'Still waiting', subject: 'Late order', source: 'email', contact: { name: 'Dana', email: 'dana@example.com' } }),
      ]);
    });

    it('npm run inbound says how to call it, and exits 2, without --to', async () => {
      await expect(inbound('sms', '--from', '+14155550100')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage: npm run inbound -- sms') });
    });

    it('the stand-ins npm start runs report an SMS and an email answer delivered by themselves, signed, so the messages reach delivered', async () => {
      // Stand-ins with the system's credentials and keys, so the gateway takes their signed reports.
      const twilioStandIn = await startTwilioStandIn({ accountSid: env().TWILIO_ACCOUNT_SID, authToken: env().TWILIO_AUTH_TOKEN, callbacks: true });
      const sendgridStandIn = await startSendgridStandIn({
        apiKey: env().SENDGRID_API_KEY,
        callbacks: { eventWebhookUrl: `${env().PUBLIC_URL}/webhooks/sendgrid/events`, privateKeyPem: env().SENDGRID_WEBHOOK_PRIVATE_KEY_PEM },
      });
      try {
        await restartApp('outbound-delivery', { TWILIO_BASE_URL: twilioStandIn.url, SENDGRID_BASE_URL: sendgridStandIn.url });
        const { agent, inboxId, number, address } = await desk();
        const phone = newNumber();
        await inbound('sms', '--from', phone, '--to', number, '--body', 'Where is it?');
        await inbound('email', '--from', 'erin@example.com', '--to', address, '--subject', 'Refund', '--text', 'Please refund');
        const rooms = await roomsOf(agent.token, inboxId, 2);
        const smsRoom = rooms.find((room) => room.support.contact.phone === phone);
        const emailRoom = rooms.find((room) => room.support.contact.email === 'erin@example.com');

        const sms = await api('POST', `/v1/rooms/${smsRoom.id}/messages`, { token: agent.token, body: { content: 'It ships today', source: 'sms' } });
        const email = await api('POST', `/v1/rooms/${emailRoom.id}/messages`, { token: agent.token, body: { content: 'Refunded', source: 'email', subject: 'Re: Refund' } });
        expect([sms.status, email.status]).toEqual([201, 201]);
        for (const [roomId, messageId] of [[smsRoom.id, sms.body.id], [emailRoom.id, email.body.id]]) {
          await deliveryReached(agent.token, roomId, messageId, 'delivered', `message ${messageId} delivered`);
        }
        expect(twilioStandIn.messages.map((message) => [message.to, message.status])).toEqual([[phone, 'delivered']]);
        expect(sendgridStandIn.sent.map((mail) => mail.to)).toEqual(['erin@example.com']);
      } finally {
        // outbound-delivery goes back to the suite's stand-ins, which leave the reports to the tests.
        await restartApp('outbound-delivery');
        await Promise.all([twilioStandIn.close(), sendgridStandIn.close()]);
      }
    });
  });
});
