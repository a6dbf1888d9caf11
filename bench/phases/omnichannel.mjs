// SMS through the whole system: inbound webhooks (signed as Twilio signs them) until the message
// reaches the agent's socket, and outbound SMS until the Twilio stand-in has every request, beside
// the stand-in's own request rate through the same SDK measured in the same run.
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import twilio from 'twilio';
import { pool, summary } from '../lib/stats.mjs';
import { connectSocket } from '../lib/traffic.mjs';

/** Contacts the outbound SMS go to, in turn. */
const OUTBOUND_ROOMS = 20;

export async function omnichannelBench({ call, token, gateway, realtimeUrl, publicUrl, standIn, inbound, outbound, inFlight, measureCpu }) {
  const admin = token('omni-admin', ['conversation', 'conversation.support', 'conversation.admin']);
  const agentBearer = token('omni-agent', ['conversation', 'conversation.support']);
  const agent = await call('GET', '/v1/conversations/me', agentBearer);
  await call('GET', '/v1/conversations/me', admin);
  const number = `+1999${String(process.pid % 1_000_000).padStart(7, '0')}`;
  const inbox = await call('POST', '/v1/support/inboxes', admin, { name: `omni ${randomUUID()}`, members: [agent.id], channels: { phone_numbers: [number] } });
  const socket = await connectSocket(realtimeUrl, agentBearer);
  const arrived = new Map();
  socket.on('new_message', (push) => arrived.set(push.message.content, performance.now()));

  const webhook = async (form) => {
    const signature = twilio.getExpectedTwilioSignature(standIn.authToken, `${publicUrl}/webhooks/twilio/sms`, form);
    const response = await fetch(`${gateway}/webhooks/twilio/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(form).toString(),
    });
    if (response.status !== 200) throw new Error(`inbound webhook: ${response.status} ${await response.text()}`);
  };
  const waitFor = async (done, what, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`omnichannel bench: ${what} never happened`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };

  const webhookMs = [];
  const toSocketMs = [];
  for (let index = 0; index < inbound; index++) {
    const content = `inbound ${index} ${randomUUID()}`;
    const began = performance.now();
    await webhook({ MessageSid: `SM${randomBytes(16).toString('hex')}`, From: `+1888${String(index).padStart(7, '0')}`, To: number, Body: content, NumMedia: '0' });
    webhookMs.push(performance.now() - began);
    await waitFor(() => arrived.has(content), `inbound ${index} on the agent's socket`);
    toSocketMs.push(arrived.get(content) - began);
  }

  let outboundResult = null;
  if (outbound > 0) {
    // Contacts' rooms assigned to the agent, answered by SMS in turn (one contact's SMS go out in order).
    const rooms = [];
    for (let index = 0; index < OUTBOUND_ROOMS; index++) {
      rooms.push(await call('POST', '/v1/support/rooms', admin, { inbox_id: inbox.id, contact: { phone: `+1888000${String(index).padStart(4, '0')}` } }));
    }
    const deadline = Date.now() + 10_000;
    for (const room of rooms) {
      while ((await call('GET', `/v1/rooms/${room.id}`, admin)).support?.assignee !== agent.id) {
        if (Date.now() > deadline) throw new Error('omnichannel bench: an outbound room was never assigned');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    const marker = randomUUID();
    const countAtStandIn = () => standIn.requests.filter((request) => request.method === 'POST' && String(request.body?.Body ?? '').startsWith(marker)).length;
    const { outcome: seconds, cpu } = await measureCpu(async () => {
      const began = performance.now();
      await pool(outbound, inFlight, async (index) => call('POST', `/v1/rooms/${rooms[index % rooms.length].id}/messages`, agentBearer, { content: `${marker} ${index}`, source: 'sms' }));
      await waitFor(() => countAtStandIn() >= outbound, 'every outbound SMS at the stand-in', 60_000);
      return (performance.now() - began) / 1000;
    }, outbound);

    // The stand-in alone, through the same SDK and host swap as outbound-delivery.
    const client = twilio(standIn.accountSid, standIn.authToken, {
      httpClient: new (class extends twilio.RequestClient {
        request(options) {
          return super.request({ ...options, uri: options.uri.replace('https://api.twilio.com', standIn.url) });
        }
      })(),
    });
    const rawSeconds = await pool(outbound, inFlight, (index) => client.messages.create({ to: '+18880009998', from: number, body: `raw ${index}` }));
    outboundResult = { messages: outbound, rooms: OUTBOUND_ROOMS, inFlight, seconds, sendsPerSecond: outbound / seconds, standInPerSecond: outbound / rawSeconds, cpu };
    outboundResult.ratioToStandIn = outboundResult.sendsPerSecond / outboundResult.standInPerSecond;
  }
  socket.disconnect();
  return { inbound, webhookMs: summary(webhookMs), webhookToSocketMs: summary(toSocketMs), outbound: outboundResult };
}
