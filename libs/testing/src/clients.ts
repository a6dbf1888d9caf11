import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { io, type Socket } from 'socket.io-client';
import { readState } from './apps.js';

/** A user of a test: their token and ids. Each test makes its own account, so tests never share data. */
export interface TestUser {
  userId: string;
  accountId: string;
  token: string;
}

/** A fresh account id, unique to one test. */
export function newAccountId(): string {
  return `acct-${randomUUID()}`;
}

/** Signs an access token as the identity provider would, with the system's secret. */
export function mintToken(claims: { sub: string; account_id: string; scopes?: string[] }, options: jwt.SignOptions = {}): string {
  const secret = readState().env.JWT_SECRET;
  return jwt.sign({ scopes: ['conversation'], ...claims }, secret, { algorithm: 'HS256', expiresIn: '1h', ...options });
}

export function newUser(accountId = newAccountId(), scopes: string[] = ['conversation']): TestUser {
  const userId = `user-${randomUUID()}`;
  return { userId, accountId, token: mintToken({ sub: userId, account_id: accountId, scopes }) };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** Calls the gateway as a client would. */
export async function api<T = any>(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const { env } = readState();
  // A connection each: one pooled across suites can sit idle past the gateway's keep-alive (65 s)
  // while Jest compiles the next suite and cannot run the pool's own expiry, and the next request
  // on it fails with "other side closed" (seen once in a full run on a slow day).
  const headers: Record<string, string> = { connection: 'close', ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let payload: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(options.body);
  }
  if (options.rawBody !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const response = await fetch(`${env.GATEWAY_URL}${path}`, { method, headers, body: payload });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: body as T, headers: response.headers };
}

/** A Socket.IO client of realtime (or of the instance at `url`), connected (or rejected) before this resolves. */
export async function connectSocket(token: string | undefined, url?: string): Promise<Socket> {
  const { env } = readState();
  const socket = io(url ?? env.REALTIME_URL, {
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  await new Promise<void>((resolveConnect, reject) => {
    socket.once('connect', () => resolveConnect());
    socket.once('connect_error', (error) => reject(error));
  });
  return socket;
}

/** Collects every payload of one socket event, to assert on what arrived (and what did not). */
export function collect<T = any>(socket: Socket, event: string): T[] {
  const received: T[] = [];
  socket.on(event, (payload: T) => received.push(payload));
  return received;
}

/** Waits until a condition holds, polling; fails with the description after the timeout. */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  accept: (value: T) => boolean,
  description: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (accept(last)) return last;
    await new Promise((resolvePoll) => setTimeout(resolvePoll, 50));
  }
  throw new Error(`timed out waiting for ${description}; last value: ${JSON.stringify(last)}`);
}

/** A user of the account who has opened the app once: they have a conversation. */
export interface TestMember extends TestUser {
  conversationId: string;
}

/** A new user of the account, with their conversation made through the API. */
export async function newMember(accountId = newAccountId(), scopes: string[] = ['conversation']): Promise<TestMember> {
  const user = newUser(accountId, scopes);
  const conversation = await api('GET', '/v1/conversations/me', { token: user.token });
  if (conversation.status !== 200) throw new Error(`GET /v1/conversations/me answered ${conversation.status}`);
  return { ...user, conversationId: conversation.body.id };
}

/** Two members of one fresh account (or of `accountId`) and the direct room Alice opened with Bob. */
export async function newDirectRoom(accountId = newAccountId()): Promise<{ alice: TestMember; bob: TestMember; roomId: string }> {
  const alice = await newMember(accountId);
  const bob = await newMember(accountId);
  const room = await api('POST', '/v1/rooms', { token: alice.token, body: { type: 'direct', member: bob.conversationId } });
  if (room.status !== 201) throw new Error(`POST /v1/rooms answered ${room.status}: ${JSON.stringify(room.body)}`);
  return { alice, bob, roomId: room.body.id };
}
