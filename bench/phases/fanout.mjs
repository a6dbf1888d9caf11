// Fan-out: one sender, a channel whose every member is connected; one message at a time, the time
// until each socket (and the last one) got it.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { summary } from '../lib/stats.mjs';
import { connectSocket } from '../lib/traffic.mjs';

/** One sender, a channel of `members` members each with a socket: delivery latency to every socket. */
export async function fanOut({ call, token, realtimeUrl, members: FANOUT_MEMBERS, messages: FANOUT_MESSAGES }) {
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
  const perSocket = [];
  const lastSocket = [];
  for (let index = 0; index < FANOUT_MESSAGES; index++) {
    const clientMessageId = randomUUID();
    const entry = { times: [] };
    arrivals.set(clientMessageId, entry);
    const began = performance.now();
    await call('POST', `/v1/rooms/${channel.id}/messages`, adminBearer, { content: 'to everyone', clientMessageId });
    const deadline = Date.now() + 10_000;
    while (entry.times.length < sockets.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
    for (const time of entry.times) perSocket.push(time - began);
    lastSocket.push(Math.max(...entry.times) - began);
    if (entry.times.length < sockets.length) throw new Error(`fan-out: only ${entry.times.length} of ${sockets.length} sockets got a message`);
  }
  for (const socket of sockets) socket.disconnect();
  return { members: FANOUT_MEMBERS, messages: FANOUT_MESSAGES, perSocketMs: summary(perSocket), lastSocketMs: summary(lastSocket) };
}
