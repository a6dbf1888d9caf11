import { afterEach, describe, expect, it, jest } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { Types, type Model } from 'mongoose';
import type { PinoLogger } from 'nestjs-pino';
import type { ExtendedError, Server, Socket } from 'socket.io';
import type { Conversation } from '@parley/database';
import { RealtimeConfig } from '../realtime.config.js';
import { RealtimeGateway } from './realtime.gateway.js';
import { RecoveryGate } from './recovery-gate.js';

const SECRET = 'a-test-secret-of-enough-length';
const config = Object.assign(new RealtimeConfig(), { JWT_SECRET: SECRET });
const bobConversation = new Types.ObjectId();

function tokenFor(claims: object, secret = SECRET): string {
  return jwt.sign(claims, secret);
}

/** A gateway over a stand-in `conversations` collection holding Bob's conversation (or failing). */
function harness(options: { failure?: Error } = {}) {
  const queries: unknown[] = [];
  const conversations = {
    findOne: (filter: { account_id: string; user_id: string }) => {
      queries.push(filter);
      return {
        lean: async () => {
          if (options.failure) throw options.failure;
          return filter.account_id === 'acc-1' && filter.user_id === 'bob' ? { _id: bobConversation } : null;
        },
      };
    },
  };
  const errors: unknown[] = [];
  const logger = { debug() {}, info() {}, warn() {}, error: (...args: unknown[]) => errors.push(args) } as unknown as PinoLogger;
  const recovery = new RecoveryGate();
  const gateway = new RealtimeGateway(config, conversations as unknown as Model<Conversation>, logger, recovery);
  const broadcasts: { room: string; event: string; payload: unknown }[] = [];
  gateway.server = { to: (room: string) => ({ emit: (event: string, payload: unknown) => broadcasts.push({ room, event, payload }) > 0 }) } as unknown as Server;
  let middleware!: (socket: Socket, next: (error?: ExtendedError) => void) => void;
  gateway.afterInit({ use: (fn: typeof middleware) => (middleware = fn) } as unknown as Server);
  const handshake = (socket: Socket) => new Promise<ExtendedError | undefined>((resolve) => middleware(socket, resolve));
  return { gateway, handshake, queries, errors, recovery, broadcasts };
}

function socketWith(handshake: { auth?: object; headers?: object; query?: object }): Socket {
  return {
    handshake: { auth: {}, headers: {}, query: {}, ...handshake },
    data: {},
    recovered: false,
    join: jest.fn(async () => undefined),
  } as unknown as Socket;
}

describe('the socket handshake', () => {
  it('admits a valid token of a user with a conversation and keeps actor and conversation on socket.data', async () => {
    const { handshake, queries } = harness();
    const socket = socketWith({ auth: { token: tokenFor({ sub: 'bob', account_id: 'acc-1', scopes: ['conversation'] }) } });
    expect(await handshake(socket)).toBeUndefined();
    expect(socket.data).toEqual({
      actor: { userId: 'bob', accountId: 'acc-1', scopes: ['conversation'] },
      conversationId: bobConversation.toHexString(),
      expiresAt: null,
    });
    expect(queries).toEqual([{ account_id: 'acc-1', user_id: 'bob' }]);
  });

  it.each([
    ['no token at all', {}],
    ['a token signed with another secret', { auth: { token: tokenFor({ sub: 'bob', account_id: 'acc-1', scopes: [] }, 'another-secret-entirely') } }],
    ['a token without account_id', { auth: { token: tokenFor({ sub: 'bob', scopes: [] }) } }],
    ['an expired token', { auth: { token: tokenFor({ sub: 'bob', account_id: 'acc-1', scopes: [], exp: 1 }) } }],
    ['text that is no token', { auth: { token: 'not-a-jwt' } }],
  ])('refuses %s as unauthorized, before looking anything up', async (_, handshakeData) => {
    const { handshake, queries } = harness();
    const refusal = await handshake(socketWith(handshakeData));
    expect(refusal?.message).toMatch(/^unauthorized: /);
    expect(refusal?.data).toEqual({ code: 'UNAUTHENTICATED' });
    expect(queries).toEqual([]);
  });

  it('refuses a user without a conversation and says how to get one', async () => {
    const { handshake } = harness();
    const refusal = await handshake(socketWith({ auth: { token: tokenFor({ sub: 'carol', account_id: 'acc-1', scopes: ['conversation'] }) } }));
    expect(refusal?.message).toBe('no conversation: call GET /v1/conversations/me first');
    expect(refusal?.data).toEqual({ code: 'NOT_FOUND' });
  });

  it('refuses a token without the conversation scope (a service’s) as forbidden, naming the scope, rather than pointing to a call it may not make', async () => {
    const { handshake } = harness();
    const refusal = await handshake(socketWith({ auth: { token: tokenFor({ sub: 'svc', account_id: 'acc-1', scopes: ['conversation.m2m'] }) } }));
    expect(refusal?.message).toBe('forbidden: sockets are for chat users, and this token lacks the scope conversation');
    expect(refusal?.data).toEqual({ code: 'FORBIDDEN' });
  });

  it.each([
    ['no scopes', []],
    ['only the m2m scope', ['conversation.m2m']],
  ])('refuses a token with %s for a user who has a conversation, as HTTP does, before looking it up', async (_, scopes) => {
    const { handshake, queries } = harness();
    const socket = socketWith({ auth: { token: tokenFor({ sub: 'bob', account_id: 'acc-1', scopes }) } });
    const refusal = await handshake(socket);
    expect(refusal?.data).toEqual({ code: 'FORBIDDEN' });
    expect(socket.data).toEqual({});
    expect(queries).toEqual([]);
  });

  it('does not find a user’s conversation through another account', async () => {
    const { handshake } = harness();
    const refusal = await handshake(socketWith({ auth: { token: tokenFor({ sub: 'bob', account_id: 'acc-2', scopes: ['conversation'] }) } }));
    expect(refusal?.message).toMatch(/^no conversation/);
  });

  it('asks the client to retry, without internals, when the conversation cannot be read, and logs why', async () => {
    const { handshake, errors } = harness({ failure: new Error('connection pool closed') });
    const refusal = await handshake(socketWith({ auth: { token: tokenFor({ sub: 'bob', account_id: 'acc-1', scopes: ['conversation'] }) } }));
    expect(refusal?.message).toBe('unavailable: try again shortly');
    expect(refusal?.data).toEqual({ code: 'UNAVAILABLE' });
    expect(errors).toHaveLength(1);
  });
});

describe('a connected socket', () => {
  it('joins its user’s conversation room and its account room, both named with the account', async () => {
    const { gateway } = harness();
    const socket = socketWith({});
    socket.data = { actor: { userId: 'bob', accountId: 'acc-1', scopes: [] }, conversationId: 'c-bob', expiresAt: null };
    await gateway.handleConnection(socket);
    expect(socket.join).toHaveBeenCalledWith(['conversation:acc-1:c-bob', 'account:acc-1']);
  });

  it('gets `ready` broadcast to it alone when its session is new (a point to recover from), and not when recovered', async () => {
    const { gateway, broadcasts } = harness();
    const identity = { actor: { userId: 'bob', accountId: 'acc-1', scopes: [] }, conversationId: 'c-bob', expiresAt: null };
    const fresh = Object.assign(socketWith({}), { id: 'socket-1', data: identity });
    await gateway.handleConnection(fresh);
    expect(broadcasts).toEqual([{ room: 'socket-1', event: 'ready', payload: { conversation_id: 'c-bob' } }]);
    const recovered = Object.assign(socketWith({}), { id: 'socket-2', data: identity, recovered: true });
    await gateway.handleConnection(recovered);
    expect(broadcasts).toHaveLength(1);
  });

  describe('whose token expires', () => {
    afterEach(() => {
      jest.useRealTimers();
    });

    function expiringSocket(expiresAt: number) {
      const listeners = new Map<string, () => void>();
      const socket = Object.assign(socketWith({}), {
        disconnect: jest.fn(),
        once: (event: string, listener: () => void) => listeners.set(event, listener),
      });
      socket.data = { actor: { userId: 'bob', accountId: 'acc-1', scopes: [] }, conversationId: 'c-bob', expiresAt };
      return { socket, leave: () => listeners.get('disconnect')?.() };
    }

    it('is closed by the server the moment the token expires, not before', async () => {
      jest.useFakeTimers({ now: 1_000_000 });
      const { gateway } = harness();
      const { socket } = expiringSocket(1_000_000 + 60_000);
      await gateway.handleConnection(socket as unknown as Socket);
      jest.advanceTimersByTime(59_999);
      expect(socket.disconnect).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1);
      expect(socket.disconnect).toHaveBeenCalledWith(true);
    });

    it('waits out an expiry beyond the longest timer Node allows', async () => {
      jest.useFakeTimers({ now: 0 });
      const { gateway } = harness();
      const fortyDays = 40 * 24 * 3600 * 1000;
      const { socket } = expiringSocket(fortyDays);
      await gateway.handleConnection(socket as unknown as Socket);
      jest.advanceTimersByTime(fortyDays - 1);
      expect(socket.disconnect).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1);
      expect(socket.disconnect).toHaveBeenCalledTimes(1);
    });

    it('forgets the expiry of a socket that left first', async () => {
      jest.useFakeTimers({ now: 0 });
      const { gateway } = harness();
      const { socket, leave } = expiringSocket(60_000);
      await gateway.handleConnection(socket as unknown as Socket);
      leave();
      jest.advanceTimersByTime(120_000);
      expect(socket.disconnect).not.toHaveBeenCalled();
    });
  });
});

describe('a recovered session', () => {
  const bobToken = tokenFor({ sub: 'bob', account_id: 'acc-1', scopes: ['conversation'] });
  const bobIdentity = { actor: { userId: 'bob', accountId: 'acc-1', scopes: ['conversation'] }, conversationId: bobConversation.toHexString(), expiresAt: null };
  const missed = ['new_message', { room_id: 'r1' }, '1700000000000-0'];

  /** A socket Socket.IO restored from session sid-1 (its data the session's), as the middleware sees it. */
  type RecoveredSocket = { id: string; recovered: true; data: unknown; handshake: unknown; join: jest.Mock; packet: jest.Mock };
  function recoveredSocket(previous: unknown): RecoveredSocket {
    return Object.assign(socketWith({ auth: { token: bobToken, pid: 'p-1', offset: '1-0' } }), {
      id: 'sid-1',
      recovered: true,
      data: previous,
      packet: jest.fn(),
    }) as unknown as RecoveredSocket;
  }
  const asSocket = (socket: RecoveredSocket) => socket as unknown as Socket;

  it('gets its rooms and the packets it missed back when the token is of the same user', async () => {
    const { handshake, recovery } = harness();
    const restored = recovery.hold({ sid: 'sid-1', pid: 'p-1', rooms: ['conversation:acc-1:c-bob'], data: bobIdentity, missedPackets: [missed] });
    expect([restored.rooms, restored.missedPackets]).toEqual([[], []]);
    const socket = recoveredSocket(bobIdentity);
    expect(await handshake(asSocket(socket))).toBeUndefined();
    expect(socket.join).toHaveBeenCalledWith(['conversation:acc-1:c-bob']);
    expect(socket.packet).toHaveBeenCalledWith({ type: 2, data: missed });
  });

  it("gives a token of another user (another account's) presenting the session's private id none of its rooms or packets", async () => {
    const { handshake, recovery } = harness();
    const victim = { actor: { userId: 'alice', accountId: 'acc-2', scopes: ['conversation'] }, conversationId: 'c-alice', expiresAt: null };
    recovery.hold({ sid: 'sid-1', pid: 'p-1', rooms: ['conversation:acc-2:c-alice'], data: victim, missedPackets: [missed] });
    const socket = recoveredSocket(victim);
    expect(await handshake(asSocket(socket))).toBeUndefined();
    expect(socket.join).not.toHaveBeenCalled();
    expect(socket.packet).not.toHaveBeenCalled();
    expect(socket.data).toEqual(bobIdentity);
    // Held no longer: a second try with the same id gets nothing either.
    const again = recoveredSocket(bobIdentity);
    expect(await handshake(asSocket(again))).toBeUndefined();
    expect(again.join).not.toHaveBeenCalled();
  });

  it('gives a refused handshake nothing of the session', async () => {
    const { handshake, recovery } = harness();
    recovery.hold({ sid: 'sid-1', pid: 'p-1', rooms: ['conversation:acc-1:c-bob'], data: bobIdentity, missedPackets: [missed] });
    const socket = Object.assign(recoveredSocket(bobIdentity), { handshake: { auth: { token: 'not-a-jwt' }, headers: {}, query: {} } });
    expect((await handshake(asSocket(socket)))?.data).toEqual({ code: 'UNAUTHENTICATED' });
    expect(socket.join).not.toHaveBeenCalled();
    expect(socket.packet).not.toHaveBeenCalled();
  });
});
