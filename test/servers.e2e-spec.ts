import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io-client';
import { api, collect, connectSocket, eventually, newDirectRoom, readState } from '@parley/testing';

/** The pids of the redis-server serving `port` (its process title names its address); none while it is down. */
function redisPids(port: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', `redis-server .*:${port}`]).toString().trim().split('\n').map(Number);
  } catch {
    return [];
  }
}

// npm start and the e2e setup keep their servers up: one that dies is started again on its data.
describe('the servers npm start runs', () => {
  const sockets: Socket[] = [];
  afterAll(() => sockets.forEach((socket) => socket.disconnect()));

  it('starts Redis again on its port when it is killed, and sends reach sockets again afterwards', async () => {
    const { alice, bob, roomId } = await newDirectRoom();
    const port = new URL(readState().env.REDIS_URL).port;
    const [killed] = redisPids(port);
    expect(killed).toBeGreaterThan(0);
    process.kill(killed, 'SIGKILL');
    const [restarted] = await eventually(() => redisPids(port), (pids) => pids.length === 1 && pids[0] !== killed, 'a new redis-server on the same port', 30_000);
    expect(restarted).not.toBe(killed);
    // The apps' clients reconnect by themselves: a socket connects, and a send is pushed to it.
    const socket = await eventually(
      () => connectSocket(bob.token).catch(() => null),
      (connected) => connected !== null,
      'a socket connection once Redis is back',
      30_000,
    );
    sockets.push(socket as Socket);
    const pushed = collect(socket as Socket, 'new_message');
    const sent = await eventually(
      () => api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'after the restart' } }),
      (response) => response.status === 201,
      'a send taken once Redis is back',
      30_000,
    );
    await eventually(() => pushed, (messages) => messages.some((push) => push.message.id === sent.body.id), 'the send pushed to the socket', 30_000);
  });
});
