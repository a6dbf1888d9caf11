import type { Socket } from 'socket.io';
import type { Actor } from '@parley/contracts';

/** Who a socket belongs to, set at the handshake. */
export interface SocketIdentity {
  actor: Actor;
  conversationId: string;
}

/** The Socket.IO room of one user's sockets: every device of the user joins it. */
export function conversationRoom(accountId: string, conversationId: string): string {
  return `conversation:${accountId}:${conversationId}`;
}

export function identityOf(socket: Socket): SocketIdentity {
  return socket.data as SocketIdentity;
}

/** The token of a handshake: `auth.token`, else the Authorization header, else `access_token` in the query. */
export function handshakeToken(socket: Socket): string | undefined {
  const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  if (typeof fromAuth === 'string' && fromAuth) return fromAuth;
  const header = socket.handshake.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length);
  const query = socket.handshake.query.access_token;
  return typeof query === 'string' && query ? query : undefined;
}
