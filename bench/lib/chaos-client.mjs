// The client side of `npm run chaos`: senders that retry what a fault refused (same clientMessageId,
// after Retry-After), and a receiver on several sockets that catches up through the API after each
// reconnect, as a real client does. Everything it saw is kept for the checks at the end.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import { sleep } from './stats.mjs';

/** Answers a client is told to retry: the service said so (503, 504), or nothing answered at all. */
export function isRetryable(status) {
  return status === 503 || status === 504 || typeof status === 'string';
}

/**
 * The senders, as chat clients behave: each room's sender keeps its unsent messages in order and
 * sends one at a time; a refused one is retried (same clientMessageId, after Retry-After, backing
 * off) before the next goes, so an outage queues messages on the client instead of multiplying
 * requests.
 */
export class ChaosSenders {
  /**
   * @param gateway the gateway's base URL
   * @param rooms from setupRooms (senders take turns in each)
   */
  constructor({ gateway, rooms, requestTimeoutMs = 15_000 }) {
    this.gateway = gateway;
    this.rooms = rooms;
    this.requestTimeoutMs = requestTimeoutMs;
    this.sends = [];
    /** performance.now() past which a refused send is given up (set when the load ends). */
    this.retryUntil = Infinity;
    this.queues = rooms.map(() => Promise.resolve());
  }

  /** Queues one message into room `index`; resolves with its record once it is settled. */
  send(index) {
    const slot = index % this.rooms.length;
    const room = this.rooms[slot];
    const sender = room.senders[room.turn++ % room.senders.length];
    const record = {
      clientMessageId: randomUUID(),
      roomId: room.id,
      firedAt: performance.now(),
      answers: [],
      acceptedAt: null,
      messageId: null,
      unclear: [],
    };
    this.sends.push(record);
    const settled = this.queues[slot].then(() => this.deliver(room, sender, record));
    this.queues[slot] = settled;
    return settled;
  }

  async deliver(room, sender, record) {
    for (;;) {
      const answer = await this.attempt(room, sender, record);
      record.answers.push(answer);
      if (answer.status === 201) {
        record.acceptedAt = performance.now();
        record.messageId = answer.messageId;
        return record;
      }
      if (!isRetryable(answer.status)) {
        record.unclear.push(answer);
        return record;
      }
      if (typeof answer.status === 'number' && answer.retryAfter === null) record.unclear.push({ ...answer, why: 'no Retry-After' });
      if (performance.now() > this.retryUntil) return record;
      // Backing off as a well-behaved client does: at least what Retry-After asks, doubling per
      // attempt up to 4 s, jittered so that refused clients do not come back all at once.
      const backoffMs = Math.min(4000, 250 * 2 ** (record.answers.length - 1));
      const askedMs = answer.retryAfter !== null ? Number(answer.retryAfter) * 1000 : 0;
      await sleep(Math.max(askedMs, backoffMs) * (0.5 + Math.random()));
    }
  }

  async attempt(room, sender, record) {
    const at = performance.now();
    try {
      const response = await fetch(`${this.gateway}/v1/rooms/${room.id}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sender.bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify({ content: `chaos ${record.clientMessageId}`, clientMessageId: record.clientMessageId }),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
      const text = await response.text();
      const body = response.status === 201 ? JSON.parse(text) : null;
      return {
        at,
        answeredAt: performance.now(),
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        messageId: body?.id ?? null,
        body: response.status === 201 ? undefined : text.slice(0, 200),
      };
    } catch (error) {
      // No HTTP answer: the gateway was down (refused connection) or did not answer in time.
      const status = error.name === 'TimeoutError' ? 'timeout' : `unreachable (${error.cause?.code ?? error.message})`;
      return { at, answeredAt: performance.now(), status, retryAfter: null, messageId: null, body: error.cause?.code ?? error.message };
    }
  }
}

/**
 * The receiver's devices. Each socket counts every `new_message` push it gets (a second push of one
 * message to one socket is a duplicate); after a reconnect that Socket.IO could not recover, and
 * once more at the end, it fetches what it missed per room through `after_seq`, as a client does.
 */
export class ChaosReceiver {
  constructor({ realtimeUrl, gateway, bearer, roomIds, sockets, log = () => undefined }) {
    this.log = log;
    this.realtimeUrl = realtimeUrl;
    this.gateway = gateway;
    this.bearer = bearer;
    this.roomIds = roomIds;
    this.count = sockets;
    this.devices = [];
  }

  async connect() {
    for (let index = 0; index < this.count; index++) {
      const device = {
        index,
        pushes: new Map(), // message id → pushes received
        caughtUp: new Set(), // message ids fetched through the API
        lastSeq: new Map(), // room id → highest seq seen
        firstSeen: new Map(), // message id → performance.now() of its first push
        reconnects: 0,
        catchUps: 0,
        retry: null, // the timer of the next try after a refused handshake
        socket: io(this.realtimeUrl, { auth: { token: this.bearer }, transports: ['websocket'], reconnectionDelayMax: 2000 }),
      };
      device.socket.on('new_message', (payload) => this.pushed(device, payload));
      // Where each room stood when the socket dropped: what came after it is fetched on reconnect
      // (pushes that arrive meanwhile move lastSeq on, past what was missed).
      device.socket.on('disconnect', (reason) => {
        device.seenAtDisconnect = new Map(device.lastSeq);
        this.log(`socket ${index} disconnected (${reason})`);
      });
      // Socket.IO does not retry a handshake realtime refused; a refusal while realtime cannot look
      // the user up (UNAVAILABLE: mongod restarting) is retried, as the console does.
      device.socket.on('connect_error', (error) => {
        if (!device.connectedOnce || device.socket.active || device.retry) return;
        this.log(`socket ${index} refused (${error.data?.code ?? error.message}); connecting again in 1 s`);
        device.retry = setTimeout(() => {
          device.retry = null;
          device.socket.connect();
        }, 1000);
      });
      device.socket.on('connect', () => {
        if (device.connectedOnce && !device.socket.recovered) {
          device.reconnects++;
          // What was missed is fetched from where each room stood at the drop; until that has
          // worked (the API may be recovering too) it is retried, and the final catch-up starts there.
          const pending = device.pendingFrom;
          device.pendingFrom = pending
            ? new Map(this.roomIds.map((roomId) => [roomId, Math.min(pending.get(roomId) ?? 0, device.seenAtDisconnect.get(roomId) ?? 0)]))
            : device.seenAtDisconnect;
          void this.catchUpAfterReconnect(device, index);
        }
        device.connectedOnce = true;
      });
      this.devices.push(device);
      await new Promise((resolve, reject) => {
        device.socket.once('connect', resolve);
        device.socket.once('connect_error', reject);
      });
    }
  }

  pushed(device, payload) {
    const id = payload.message?.id;
    if (!id) return;
    device.pushes.set(id, (device.pushes.get(id) ?? 0) + 1);
    if (!device.firstSeen.has(id)) device.firstSeen.set(id, performance.now());
    this.saw(device, payload.room_id, payload.message.seq);
  }

  saw(device, roomId, seq) {
    if (typeof seq === 'number' && seq > (device.lastSeq.get(roomId) ?? 0)) device.lastSeq.set(roomId, seq);
  }

  async catchUpAfterReconnect(device, index) {
    const from = device.pendingFrom;
    for (let attempt = 1; device.pendingFrom === from; attempt++) {
      const before = device.caughtUp.size;
      try {
        await this.catchUp(device, from);
        if (device.pendingFrom === from) device.pendingFrom = null;
        this.log(`socket ${index} reconnected (not recovered): ${device.caughtUp.size - before} missed messages fetched through the API`);
        return;
      } catch (error) {
        this.log(`socket ${index}: catch-up after the reconnect failed (${error.message.slice(0, 120)}); retrying`);
        await sleep(Math.min(4000, 250 * 2 ** attempt));
      }
    }
  }

  /** Fetches, per room, every message after `from` (a room's seq; by default the last one this device saw). */
  async catchUp(device, from = device.lastSeq) {
    device.catchUps++;
    for (const roomId of this.roomIds) {
      let after = from.get(roomId) ?? 0;
      for (;;) {
        const response = await fetch(`${this.gateway}/v1/rooms/${roomId}/messages?after_seq=${after}&limit=100`, {
          headers: { authorization: `Bearer ${this.bearer}` },
          signal: AbortSignal.timeout(15_000),
        });
        if (response.status !== 200) throw new Error(`catch-up of room ${roomId}: ${response.status} ${await response.text()}`);
        const page = await response.json();
        if (page.data.length === 0) break;
        for (const message of page.data) {
          if (!device.pushes.has(message.id)) device.caughtUp.add(message.id);
          this.saw(device, roomId, message.seq);
          after = Math.max(after, message.seq);
        }
      }
    }
  }

  close() {
    for (const device of this.devices) {
      clearTimeout(device.retry);
      device.socket.close();
    }
  }
}
