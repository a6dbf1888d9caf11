// Support routing: the time from opening a support room (POST /v1/support/rooms) until the assignee's
// socket gets `support_assigned`, one room at a time; then a burst of rooms opened at once into one
// inbox (as many in flight as the gateway admits, COMMANDS_MAX_IN_FLIGHT) and how many assignments
// a second the system makes, with the CPU each assignment costs.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { MongoClient } from 'mongodb';
import { pool, summary } from '../lib/stats.mjs';
import { connectSocket } from '../lib/traffic.mjs';

const AGENTS = 3;

/** A phone number unique to this run. */
let phones = 0;
const newPhone = () => `+1444${String(process.pid % 100000).padStart(5, '0')}${String(++phones).padStart(5, '0')}`;

/**
 * `opens` rooms one at a time, then `burst` at once, into an inbox of three online agents.
 * `measureCpu(run)` wraps the burst in CPU snapshots; it returns the run's outcome and the CPU split.
 */
export async function supportBench({ call, token, accountId, realtimeUrl, mongoUrl, database, opens, burst, burstInFlight, measureCpu }) {
  const admin = token('support-admin', ['conversation', 'conversation.support', 'conversation.admin']);
  await call('GET', '/v1/conversations/me', admin);
  const agents = [];
  for (let index = 0; index < AGENTS; index++) {
    const bearer = token(`support-agent-${index}`, ['conversation', 'conversation.support']);
    agents.push({ bearer, conversationId: (await call('GET', '/v1/conversations/me', bearer)).id });
  }
  const assignedAt = new Map();
  const sockets = await Promise.all(agents.map((agent) => connectSocket(realtimeUrl, agent.bearer)));
  for (const socket of sockets) socket.on('support_assigned', (push) => assignedAt.set(push.room_id, performance.now()));
  // Routing reads presence as rooms stores it: wait until all three are online there.
  const client = await new MongoClient(mongoUrl).connect();
  try {
    const conversations = client.db(database).collection('conversations');
    const deadline = Date.now() + 15_000;
    const filter = { account_id: accountId, user_id: { $in: agents.map((_, index) => `support-agent-${index}`) }, status: 'online' };
    while ((await conversations.countDocuments(filter)) < AGENTS) {
      if (Date.now() > deadline) throw new Error('support bench: the agents never came online');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await client.close();
  }
  const inbox = await call('POST', '/v1/support/inboxes', admin, { name: `bench ${randomUUID()}`, members: agents.map((agent) => agent.conversationId) });

  const open = async () => {
    for (;;) {
      try {
        return await call('POST', '/v1/support/rooms', admin, { inbox_id: inbox.id, contact: { phone: newPhone() }, content: 'I need help' });
      } catch (error) {
        // The gateway sheds a burst past its in-flight bound with 503: retry as a client would.
        if (!String(error.message).includes(': 503 ')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  const waitAssigned = async (roomIds, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (roomIds.some((id) => !assignedAt.has(id))) {
      if (Date.now() > deadline) throw new Error(`support bench: ${roomIds.filter((id) => !assignedAt.has(id)).length} rooms never assigned`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };

  const openMs = [];
  const toAssignedMs = [];
  for (let index = 0; index < opens; index++) {
    const began = performance.now();
    const room = await open();
    openMs.push(performance.now() - began);
    await waitAssigned([room.id]);
    toAssignedMs.push(assignedAt.get(room.id) - began);
  }

  let burstResult = null;
  if (burst > 0) {
    const { outcome, cpu } = await measureCpu(async () => {
      const began = performance.now();
      const rooms = [];
      await pool(burst, burstInFlight, async () => rooms.push(await open()));
      await waitAssigned(rooms.map((room) => room.id), 60_000);
      const last = Math.max(...rooms.map((room) => assignedAt.get(room.id)));
      return { seconds: (last - began) / 1000, rooms };
    }, burst);
    burstResult = { rooms: burst, inFlight: burstInFlight, seconds: outcome.seconds, assignmentsPerSecond: burst / outcome.seconds, cpu };
  }
  for (const socket of sockets) socket.disconnect();
  return { agents: AGENTS, opens, openMs: summary(openMs), openToAssignedMs: summary(toAssignedMs), burst: burstResult };
}
