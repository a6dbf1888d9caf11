import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Server } from 'socket.io';

interface LiveConnection {
  close(): void;
}
interface LiveOptions {
  url: string;
  token: string;
  onPush(event: string, payload: unknown): void;
  onState(state: string, detail?: string): void;
  onCatchUp(): void;
}
// The console's own module, as the browser loads it (jest maps its Socket.IO import to the
// package). Plain JavaScript without types: the path is kept from the type checker.
const LIVE_MODULE: string = './public/live.js';
const { connectLive } = (await import(LIVE_MODULE)) as { connectLive(options: LiveOptions): LiveConnection };

type Refusal = { message: string; code: string } | null;

/** A Socket.IO server that answers each handshake as `answers` says, in turn (then accepts). */
async function realtimeAnswering(answers: Refusal[]) {
  const http: HttpServer = createServer();
  const io = new Server(http);
  let handshakes = 0;
  io.use((_socket, next) => {
    const refusal = answers[handshakes++] ?? null;
    next(refusal ? Object.assign(new Error(refusal.message), { data: { code: refusal.code } }) : undefined);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    handshakes: () => handshakes,
    close: () => new Promise((resolve) => io.close(resolve)),
  };
}

function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (condition()) resolve();
      else if (Date.now() > deadline) reject(new Error('timed out'));
      else setTimeout(check, 20);
    };
    check();
  });
}

const unavailable = { message: 'unavailable: try again shortly', code: 'UNAVAILABLE' };

describe("the console's live connection", () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  function connect(url: string) {
    const states: string[] = [];
    const live = connectLive({ url, token: 'a-token', onPush: () => undefined, onState: (state) => states.push(state), onCatchUp: () => undefined });
    cleanups.push(() => live.close());
    return states;
  }

  it('connects again, backing off, after realtime refused the handshake as unavailable', async () => {
    const realtime = await realtimeAnswering([unavailable, unavailable]);
    cleanups.push(realtime.close);
    const states = connect(realtime.url);
    await until(() => states.includes('live'));
    expect(states).toEqual(['down', 'down', 'live']);
    expect(realtime.handshakes()).toBe(3);
  });

  it('stops, and says so, when realtime refuses the token', async () => {
    const realtime = await realtimeAnswering([{ message: 'unauthorized: jwt expired', code: 'UNAUTHENTICATED' }]);
    cleanups.push(realtime.close);
    const states = connect(realtime.url);
    await until(() => states.includes('refused'));
    // Long enough for the first retry (at most a second) to have come, had there been one.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(states).toEqual(['refused']);
    expect(realtime.handshakes()).toBe(1);
  });
});
