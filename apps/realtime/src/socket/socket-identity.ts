import type { Socket } from 'socket.io';
import type { Actor } from '@parley/contracts';

/** Who a socket belongs to, set at the handshake and kept in `socket.data`. */
export interface SocketIdentity {
  actor: Actor;
  conversationId: string;
  /** When the handshake's token expires (ms since the epoch), null if never: the socket is closed then. */
  expiresAt: number | null;
}

/**
 * The Socket.IO room of one user's sockets: every device of the user joins it. The account is
 * part of the name, so a conversation id from another account's event can never match it.
 */
export function conversationRoom(accountId: string, conversationId: string): string {
  return `conversation:${accountId}:${conversationId}`;
}

/** The Socket.IO room of every socket of an account, for account-wide events. */
export function accountRoom(accountId: string): string {
  return `account:${accountId}`;
}

/** The identity the handshake stored on a socket. */
export function identityOf(socket: Socket): SocketIdentity {
  return socket.data as SocketIdentity;
}

/** The token of a handshake: `auth.token`, else the Authorization header, else `access_token` in the query. */
export function handshakeToken(socket: Pick<Socket, 'handshake'>): string | undefined {
  const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  if (typeof fromAuth === 'string' && fromAuth) return fromAuth;
  const bearer = /^Bearer\s+(\S+)$/i.exec(socket.handshake.headers.authorization ?? '');
  if (bearer) return bearer[1];
  const query = socket.handshake.query.access_token;
  return typeof query === 'string' && query ? query : undefined;
}
