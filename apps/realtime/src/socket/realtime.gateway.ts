import { WebSocketGateway, WebSocketServer, type OnGatewayConnection, type OnGatewayInit } from '@nestjs/websockets';
import { InjectModel } from '@nestjs/mongoose';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { Model, Types } from 'mongoose';
import type { Server, Socket } from 'socket.io';
import { verifyAccessToken } from '@parley/auth';
import { Conversation } from '@parley/database';
import { RealtimeConfig } from '../realtime.config.js';
import { conversationRoom, handshakeToken, identityOf, type SocketIdentity } from './socket-identity.js';

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
  ) {}

  afterInit(server: Server): void {
    server.use((socket, next) => {
      this.authenticate(socket).then(
        (identity) => {
          socket.data = identity;
          next();
        },
        (error: Error) => next(new Error(`unauthorized: ${error.message}`)),
      );
    });
  }

  async handleConnection(socket: Socket): Promise<void> {
    const { actor, conversationId } = identityOf(socket);
    // A recovered connection keeps its rooms; joining again is harmless.
    await socket.join(conversationRoom(actor.accountId, conversationId));
    this.logger.debug({ userId: actor.userId, recovered: socket.recovered }, 'socket connected');
  }

  private async authenticate(socket: Socket): Promise<SocketIdentity> {
    const token = handshakeToken(socket);
    if (!token) throw new Error('missing access token');
    const actor = verifyAccessToken(token, this.config);
    const conversation = await this.conversations
      .findOne({ account_id: actor.accountId, user_id: actor.userId }, { _id: 1 })
      .lean<{ _id: Types.ObjectId }>();
    if (!conversation) throw new Error('no conversation: call GET /v1/conversations/me first');
    return { actor, conversationId: conversation._id.toHexString() };
  }
}
