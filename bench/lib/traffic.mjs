// Messages through the real path and back: senders POST to the gateway, the receiver ("bob") listens
// on several sockets (devices) of realtime. Every message is tracked by its clientMessageId: when its
// HTTP answer came and with which status, and when each of bob's sockets got it, how many times,
// and whether in order within its room.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import jwt from 'jsonwebtoken';
import { io } from 'socket.io-client';
import { request } from 'undici';
import { sleep, summary } from './stats.mjs';

/**
 * The setup client of a run: `token(sub, scopes)` mints a token in one fresh account, `call` sends a
 * request to the gateway and returns its JSON, throwing on any status from 300 up.
 */
export function benchClient({ gateway, secret, accountPrefix }) {
  const account = `${accountPrefix}-${randomUUID()}`;
  const token = (sub, scopes = ['conversation']) => jwt.sign({ sub, account_id: account, scopes }, secret, { algorithm: 'HS256', expiresIn: '4h' });
  const call = async (method, path, bearer, body) => {
    const response = await fetch(`${gateway}${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  return { account, token, call };
}

/** How long an accepted message may take to reach every socket before it counts as lost. */
export const DELIVERY_GRACE_MS = 10_000;

export function connectSocket(url, bearer) {
  const socket = io(url, { auth: { token: bearer }, transports: ['websocket'] });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/**
 * The rooms the traffic goes through: `roomCount` rooms over `senderCount` senders, all with bob.
 * Sender i sends into room i mod roomCount. A room that one sender has to itself, and is that
 * sender's first, is a direct room (sender ↔ bob); with more senders than rooms, or more rooms than
 * senders, the rest are channels of their senders and bob (channels need the admin scope to make).
 * The defaults (20 and 20) make 20 direct rooms, one per sender.
 */
export async function setupRooms({ call, token, senderCount, roomCount, bob, bobConversationId }) {
  const senders = [];
  for (let index = 0; index < senderCount; index++) {
    const bearer = token(`sender-${index}`, ['conversation', 'conversation.admin']);
    const me = await call('GET', '/v1/conversations/me', bearer);
    senders.push({ bearer, conversationId: me.id });
  }
  const rooms = [];
  const hasDirect = new Set();
  for (let index = 0; index < roomCount; index++) {
    const members = senders.filter((_, sender) => sender % roomCount === index);
    if (members.length === 0) members.push(senders[index % senderCount]);
    const [first] = members;
    let room;
    if (members.length === 1 && !hasDirect.has(first)) {
      hasDirect.add(first);
      room = await call('POST', '/v1/rooms', first.bearer, { type: 'direct', member: bobConversationId });
      rooms.push({ id: room.id, type: 'direct', senders: members, turn: 0 });
    } else {
      const others = [...members.slice(1).map((member) => member.conversationId), bobConversationId];
      room = await call('POST', '/v1/rooms', first.bearer, { type: 'channel', name: `bench ${index} ${randomUUID()}`, members: others });
      rooms.push({ id: room.id, type: 'channel', senders: members, turn: 0 });
    }
  }
  return rooms;
}

export class Traffic {
  /**
   * @param gateway base URL of the gateway
   * @param rooms from setupRooms
   * @param sockets bob's connected sockets
   */
  constructor({ gateway, rooms, sockets, requestTimeoutMs }) {
    this.gateway = gateway;
    this.rooms = rooms;
    this.sockets = sockets;
    this.requestTimeoutMs = requestTimeoutMs;
    this.tracked = new Map();
    this.untracked = 0; // new_message pushes of no message of ours (should stay 0)
    this.disconnects = 0;
    this.lastSeq = sockets.map(() => new Map());
    sockets.forEach((socket, index) => {
      socket.on('new_message', (payload) => this.arrived(index, payload));
      socket.on('disconnect', () => this.disconnects++);
    });
    this.content = 'benchmark message with a little text in it';
  }

  arrived(socketIndex, payload) {
    const now = performance.now();
    const record = this.tracked.get(payload.message?.client_message_id);
    if (!record) {
      this.untracked++;
      return;
    }
    record.copies[socketIndex]++;
    if (record.arrivals[socketIndex] === null) {
      record.arrivals[socketIndex] = now;
      if (record.arrived++ === 0) record.onFirstArrival?.(now);
    }
    const last = this.lastSeq[socketIndex].get(payload.room_id) ?? 0;
    if (payload.message.seq < last) record.outOfOrder++;
    else this.lastSeq[socketIndex].set(payload.room_id, payload.message.seq);
  }

  /**
   * POSTs one message into room `roomIndex` (its senders take turns) and records it into `records`.
   * `began` is when it was meant to go (an open loop's schedule) or now; latencies count from it.
   */
  async send(roomIndex, records, began = performance.now()) {
    const room = this.rooms[roomIndex % this.rooms.length];
    const sender = room.senders[room.turn++ % room.senders.length];
    const clientMessageId = randomUUID();
    const record = {
      began,
      firedAt: performance.now(),
      answeredAt: NaN,
      status: null,
      retryAfter: null,
      arrivals: this.sockets.map(() => null),
      copies: this.sockets.map(() => 0),
      arrived: 0,
      outOfOrder: 0,
      onFirstArrival: null,
    };
    this.tracked.set(clientMessageId, record);
    records.push(record);
    try {
      // undici's request rather than fetch: a quarter of fetch's CPU per request, which the system
      // under test would otherwise share with the load generator on this machine.
      const response = await request(`${this.gateway}/v1/rooms/${room.id}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sender.bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify({ content: this.content, clientMessageId }),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
      record.retryAfter = response.headers['retry-after'] ?? null;
      const body = await response.body.text();
      record.answeredAt = performance.now();
      record.status = response.statusCode;
      if (response.statusCode !== 201) record.body = body.slice(0, 300);
    } catch (error) {
      record.answeredAt = performance.now();
      record.status = error.name === 'TimeoutError' ? 'timeout' : `error ${error.cause?.code ?? error.code ?? error.message}`;
    }
    return record;
  }

  /** Resolves when the record's first socket got it, or after DELIVERY_GRACE_MS (lost). */
  firstArrival(record) {
    if (record.arrived > 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, DELIVERY_GRACE_MS);
      record.onFirstArrival = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /**
   * Closed loop: `inFlight` senders each send, wait for the answer (and with `waitForDelivery` for the
   * first socket to get it), and send again; `total` messages, or until `seconds` have passed.
   */
  async closedLoop({ inFlight, total = Infinity, seconds = Infinity, waitForDelivery = false }) {
    const records = [];
    let next = 0;
    const began = performance.now();
    const end = began + seconds * 1000;
    await Promise.all(
      Array.from({ length: Math.min(inFlight, total) }, async () => {
        while (next < total && performance.now() < end) {
          const record = await this.send(next++, records);
          if (waitForDelivery && record.status === 201) await this.firstArrival(record);
        }
      }),
    );
    const elapsed = (performance.now() - began) / 1000;
    await this.drain(records);
    return { records, elapsed };
  }

  /**
   * Open loop: `rate` messages a second for `seconds`, each fired at its scheduled time whatever
   * the answers (timers catch up when late, never waiting for a reply). Latencies count from the
   * scheduled time, so a late timer is charged to the figures, not hidden (scheduleLagMs shows it).
   */
  async openLoop({ rate, seconds }) {
    const records = [];
    const pending = [];
    const lags = [];
    const total = Math.max(1, Math.round(rate * seconds));
    const interval = 1000 / rate;
    const start = performance.now() + 5;
    let next = 0;
    await new Promise((resolve) => {
      const tick = () => {
        const now = performance.now();
        while (next < total && start + next * interval <= now) {
          const scheduled = start + next * interval;
          lags.push(now - scheduled);
          pending.push(this.send(next, records, scheduled));
          next++;
        }
        if (next >= total) return resolve();
        setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
      };
      setTimeout(tick, Math.max(0, start - performance.now()));
    });
    const scheduleSeconds = (performance.now() - start) / 1000;
    await Promise.all(pending);
    const elapsed = (performance.now() - start) / 1000;
    await this.drain(records);
    return { records, elapsed, scheduleSeconds, scheduleLagMs: summary(lags), offered: total, offeredRate: rate };
  }

  /**
   * Waits, from the last answer on, until every accepted message reached every socket, at most
   * DELIVERY_GRACE_MS; what has not arrived by then is lost. Then gives stragglers (duplicates) a moment.
   */
  async drain(records) {
    const deadline = performance.now() + DELIVERY_GRACE_MS;
    const complete = () => records.every((record) => record.status !== 201 || record.arrived === this.sockets.length);
    while (!complete() && performance.now() < deadline) await sleep(10);
    return complete();
  }
}

/**
 * What a phase's records say: sends accepted (201) and their latency, delivery latency to the first
 * socket (and to the last), answers by status, and the guarantees: lost (accepted, no socket got it
 * within the grace), missed (socket-message pairs that never came), duplicates, out of order.
 */
export function analyse(records, sockets) {
  const accepted = records.filter((record) => record.status === 201);
  const statuses = {};
  for (const record of records) statuses[record.status] = (statuses[record.status] ?? 0) + 1;
  // Answers other than 201, by status: from the scheduled time, and from when the request really left
  // (the difference is the bench's own lateness on a busy machine).
  const answerMs = {};
  const answerFromFireMs = {};
  for (const status of Object.keys(statuses)) {
    if (status === '201') continue;
    const these = records.filter((record) => String(record.status) === status);
    answerMs[status] = summary(these.map((record) => record.answeredAt - record.began));
    answerFromFireMs[status] = summary(these.map((record) => record.answeredAt - record.firedAt));
  }
  const examples = {};
  for (const record of records) if (record.body && !examples[record.status]) examples[record.status] = record.body;
  const delivered = accepted.filter((record) => record.arrived > 0);
  const everywhere = accepted.filter((record) => record.arrived === sockets);
  return {
    sent: records.length,
    accepted: accepted.length,
    errors: records.length - accepted.length,
    statuses,
    answerMs,
    answerFromFireMs,
    retryAfterOn503: records.filter((record) => record.status === 503 && record.retryAfter !== null).length,
    examples,
    sendMs: summary(accepted.map((record) => record.answeredAt - record.began)),
    sendFromFireMs: summary(accepted.map((record) => record.answeredAt - record.firedAt)),
    delivered: delivered.length,
    deliveryMs: summary(delivered.map((record) => Math.min(...record.arrivals.filter((time) => time !== null)) - record.began)),
    lastSocketMs: summary(everywhere.map((record) => Math.max(...record.arrivals) - record.began)),
    lost: accepted.length - delivered.length,
    missed: accepted.reduce((sum, record) => sum + (sockets - record.arrived), 0),
    duplicates: records.reduce((sum, record) => sum + record.copies.reduce((copies, count) => copies + Math.max(0, count - 1), 0), 0),
    outOfOrder: records.reduce((sum, record) => sum + record.outOfOrder, 0),
    deliveredUnaccepted: records.filter((record) => record.status !== 201 && record.arrived > 0).length,
  };
}
