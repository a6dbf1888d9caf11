// Fan-out: one sender, a channel whose every member is connected; messages fired on schedule at
// `rate` a second (open loop), the time from each send until each socket (and the last one) got it.
// Firing starts `settleMs` after the sockets connect: fifty connections at once are a burst of their
// own (each looks up its conversation and announces its user online to every other socket of the
// account: up to 2,500 presence pushes), not the steady rate this phase measures.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { summary } from '../lib/stats.mjs';
import { connectSocket } from '../lib/traffic.mjs';

/** One sender, a channel of `members` members each with a socket: delivery latency to every socket. */
export async function fanOut({ call, token, realtimeUrl, members: FANOUT_MEMBERS, messages: FANOUT_MESSAGES, rate = 20, settleMs = 0 }) {
  const adminBearer = token('fan-admin', ['conversation', 'conversation.admin']);
  await call('GET', '/v1/conversations/me', adminBearer);
  const members = [];
  for (let index = 1; index < FANOUT_MEMBERS; index++) {
    const bearer = token(`fan-member-${index}`);
    const conversation = await call('GET', '/v1/conversations/me', bearer);
    members.push({ bearer, conversationId: conversation.id });
  }
  const channel = await call('POST', '/v1/rooms', adminBearer, { type: 'channel', name: `fan-out ${randomUUID()}`, members: members.map((member) => member.conversationId) });
  const sockets = await Promise.all([adminBearer, ...members.map((member) => member.bearer)].map((bearer) => connectSocket(realtimeUrl, bearer)));
  const arrivals = new Map();
  for (const socket of sockets) {
    socket.on('new_message', (payload) => {
      const entry = arrivals.get(payload.message.client_message_id);
      if (entry) entry.times.push(performance.now());
    });
  }
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const perSocket = [];
  const lastSocket = [];
  const entries = [];
  const sends = [];
  const sendMs = [];
  const began = performance.now();
  for (let index = 0; index < FANOUT_MESSAGES; index++) {
    const due = began + (index * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const clientMessageId = randomUUID();
    const entry = { times: [], sentAt: due };
    arrivals.set(clientMessageId, entry);
    entries.push(entry);
    sends.push(call('POST', `/v1/rooms/${channel.id}/messages`, adminBearer, { content: 'to everyone', clientMessageId }).then(() => sendMs.push(performance.now() - due)));
  }
  await Promise.all(sends);
  const deadline = Date.now() + 10_000;
  while (entries.some((entry) => entry.times.length < sockets.length) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  for (const entry of entries) {
    if (entry.times.length < sockets.length) throw new Error(`fan-out: only ${entry.times.length} of ${sockets.length} sockets got a message`);
    for (const time of entry.times) perSocket.push(time - entry.sentAt);
    lastSocket.push(Math.max(...entry.times) - entry.sentAt);
  }
  for (const socket of sockets) socket.disconnect();
  return { members: FANOUT_MEMBERS, messages: FANOUT_MESSAGES, ratePerSecond: rate, sendMs: summary(sendMs), perSocketMs: summary(perSocket), lastSocketMs: summary(lastSocket) };
}
