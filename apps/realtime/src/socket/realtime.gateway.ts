import { WebSocketGateway, WebSocketServer, type OnGatewayConnection, type OnGatewayInit } from '@nestjs/websockets';
import { InjectModel } from '@nestjs/mongoose';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { Model, Types } from 'mongoose';
import type { ExtendedError, Server, Socket } from 'socket.io';
import { verifyAccessToken } from '@parley/auth';
import { ErrorCodes, Scopes, type Actor, type ErrorCode } from '@parley/contracts';
import { Conversation } from '@parley/database';
import { RealtimeConfig } from '../realtime.config.js';
import { RecoveryGate } from './recovery-gate.js';
import { accountRoom, conversationRoom, handshakeToken, identityOf, type SocketIdentity } from './socket-identity.js';

/** A handshake the client cannot complete as it is: its `connect_error` says why, with a stable code. */
class HandshakeRefused extends Error {
  constructor(
    message: string,
    readonly code: ErrorCode,
  ) {
    super(message);
  }
}

// setTimeout holds at most 2^31-1 ms (about 24.8 days); a later expiry is reached in steps.
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * Closes a socket when its token expires, as HTTP would start answering 401 then: a live socket
 * must not outlast the credentials it was opened with. The client reconnects with a fresh token.
 */
function closeAtExpiry(socket: Socket, expiresAt: number): void {
  const remaining = expiresAt - Date.now();
  const timer = setTimeout(
    () => (remaining > LONGEST_TIMER_MS ? closeAtExpiry(socket, expiresAt) : socket.disconnect(true)),
    Math.max(0, Math.min(remaining, LONGEST_TIMER_MS)),
  );
  socket.once('disconnect', () => clearTimeout(timer));
}

/** Whether a recovered session's identity and a handshake's are the same user's conversation. */
function sameUser(previous: Partial<SocketIdentity>, identity: SocketIdentity): boolean {
  return (
    previous.actor?.accountId === identity.actor.accountId &&
    previous.actor?.userId === identity.actor.userId &&
    previous.conversationId === identity.conversationId
  );
}

/**
 * The Socket.IO server. A socket is authenticated at the handshake (a bad token never connects)
 * and joins the room of its user's conversation, so every device of a user gets each event.
 */
@WebSocketGateway()
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection {
  @WebSocketServer()
  server!: Server;

  constructor(
    private readonly config: RealtimeConfig,
    @InjectModel(Conversation.name) private readonly conversations: Model<Conversation>,
    @InjectPinoLogger(RealtimeGateway.name) private readonly logger: PinoLogger,
    private readonly recovery: RecoveryGate,
  ) {}

  afterInit(server: Server): void {
    // Middleware, not handleConnection: a refused socket never counts as connected and never
    // joins a room. It also runs for recovered sessions (skipMiddlewares is off), so a token that
    // expired while the client was away does not come back in, and a session comes back (its rooms,
    // the packets it missed) only to a token of the user it was: its private id alone is not enough.
    server.use((socket, next) => {
      const previous = socket.recovered ? (socket.data as Partial<SocketIdentity>) : null;
      this.identify(socket)
        .then(async (identity) => {
          const same = previous !== null && sameUser(previous, identity);
          if (previous !== null && !same) {
            this.logger.warn({ userId: identity.actor.userId, accountId: identity.actor.accountId }, "a socket presented another user's session to recover: it starts afresh, with none of that session's rooms or messages");
          }
          await this.recovery.release(socket, same);
          socket.data = identity;
        })
        .then(
          () => next(),
          (error: unknown) => {
            this.recovery.discard(socket);
            next(this.refusal(error));
          },
        );
    });
  }

  async handleConnection(socket: Socket): Promise<void> {
    const { actor, conversationId, expiresAt } = identityOf(socket);
    if (expiresAt !== null) closeAtExpiry(socket, expiresAt);
    // A recovered session already has its rooms; joining again changes nothing.
    await socket.join([conversationRoom(actor.accountId, conversationId), accountRoom(actor.accountId)]);
    // Socket.IO recovers a dropped session from the last broadcast the client got (its offset): a
    // device that had got none would have nothing to recover from. `ready`, broadcast to this socket
    // alone, gives every new session one.
    if (!socket.recovered) this.server.to(socket.id).emit('ready', { conversation_id: conversationId });
    this.logger.debug({ userId: actor.userId, accountId: actor.accountId, recovered: socket.recovered }, 'socket connected');
  }

  private async identify(socket: Socket): Promise<SocketIdentity> {
    const token = handshakeToken(socket);
    if (!token) throw new HandshakeRefused('unauthorized: missing access token', ErrorCodes.Unauthenticated);
    let actor: Actor;
    let expiresAt: number | null;
    try {
      ({ actor, expiresAt } = verifyAccessToken(token, this.config));
    } catch (error) {
      throw new HandshakeRefused(`unauthorized: ${(error as Error).message}`, ErrorCodes.Unauthenticated);
    }
    // As on HTTP, whose every user route needs the scope: a service's or a narrowed token of the same
    // user must not hear that user's messages.
    if (!actor.scopes.includes(Scopes.Conversation)) {
      throw new HandshakeRefused(`forbidden: sockets are for chat users, and this token lacks the scope ${Scopes.Conversation}`, ErrorCodes.Forbidden);
    }
    const conversation = await this.conversations
      .findOne({ account_id: actor.accountId, user_id: actor.userId }, { _id: 1 })
      .lean<{ _id: Types.ObjectId }>();
    if (!conversation) {
      throw new HandshakeRefused('no conversation: call GET /v1/conversations/me first', ErrorCodes.NotFound);
    }
    return { actor, conversationId: conversation._id.toHexString(), expiresAt };
  }

  private refusal(error: unknown): ExtendedError {
    if (error instanceof HandshakeRefused) {
      this.logger.debug({ reason: error.message }, 'socket refused');
      return Object.assign(new Error(error.message), { data: { code: error.code } });
    }
    // Our fault (MongoDB unreachable, say): logged here, and the client is told only to retry.
    this.logger.error({ err: error }, 'socket handshake failed');
    return Object.assign(new Error('unavailable: try again shortly'), { data: { code: ErrorCodes.Unavailable } });
  }
}
