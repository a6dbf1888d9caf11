import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, type OnGatewayConnection, type OnGatewayDisconnect } from '@nestjs/websockets';
import { InjectModel } from '@nestjs/mongoose';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { LRUCache } from 'lru-cache';
import { Types, type Model } from 'mongoose';
import type { Socket } from 'socket.io';
import { Room } from '@parley/database';
import { RedisConnection, Metrics } from '@parley/platform';
import { RealtimeConfig } from '../realtime.config.js';
import { RealtimeGateway } from '../socket/realtime.gateway.js';
import { conversationRoom, identityOf } from '../socket/socket-identity.js';
import { PresenceService } from './presence.service.js';

type Ack = { ok: true } | { ok: false; error: string };

/**
 * What clients send: `typing` ({ room_id }) becomes `typing_indicator` for the room's other
 * members (members only, throttled, expiring; in a support room its inbox's team counts, as it
 * reads and writes there), and `presence` ({ status }) sets the user's status. Connects and
 * disconnects feed presence.
 */
@WebSocketGateway()
export class ClientEventsGateway implements OnGatewayConnection, OnGatewayDisconnect {
  /** Who types and sees typing in a room, briefly cached: typing arrives per keystroke and must not cost a query each. */
  private readonly members = new LRUCache<string, string[]>({ max: 10_000, ttl: 5000 });

  constructor(
    private readonly presence: PresenceService,
    private readonly sockets: RealtimeGateway,
    private readonly redis: RedisConnection,
    private readonly config: RealtimeConfig,
    @InjectModel(Room.name) private readonly rooms: Model<Room>,
    @InjectPinoLogger(ClientEventsGateway.name) private readonly logger: PinoLogger,
  ) {}

  async handleConnection(socket: Socket): Promise<void> {
    const { actor, conversationId } = identityOf(socket);
    Metrics.socketsConnected.inc();
    await this.presence.connected(socket.id, actor, conversationId).catch((error: unknown) => this.logger.error({ err: error }, 'presence on connect failed'));
  }

  async handleDisconnect(socket: Socket): Promise<void> {
    const identity = identityOf(socket);
    if (!identity?.actor) return;
    Metrics.socketsConnected.dec();
    await this.presence.disconnected(socket.id, identity.actor, identity.conversationId).catch((error: unknown) => this.logger.error({ err: error }, 'presence on disconnect failed'));
  }

  @SubscribeMessage('typing')
  async typing(@ConnectedSocket() socket: Socket, @MessageBody() body: { room_id?: unknown }): Promise<Ack> {
    const { actor, conversationId } = identityOf(socket);
    const roomId = typeof body?.room_id === 'string' && /^[0-9a-f]{24}$/i.test(body.room_id) ? body.room_id : null;
    if (!roomId) return { ok: false, error: 'room_id must be a valid id' };
    const members = await this.membersOf(actor.accountId, roomId);
    if (!members?.includes(conversationId)) return { ok: false, error: 'not a member of this room' };
    // One indicator per half-lifetime per user and room, across instances: a keystroke stream is one signal.
    const fresh = await this.redis.client.set(`typing:${actor.accountId}:${roomId}:${conversationId}`, '1', 'PX', Math.floor(this.config.TYPING_TTL_MS / 2), 'NX');
    if (fresh !== 'OK') return { ok: true };
    const others = members.filter((member) => member !== conversationId).map((member) => conversationRoom(actor.accountId, member));
    if (others.length > 0) {
      this.sockets.server.to(others).emit('typing_indicator', {
        event: 'typing_indicator',
        room_id: roomId,
        conversation_id: conversationId,
        user_id: actor.userId,
        expires_in_ms: this.config.TYPING_TTL_MS,
      });
    }
    return { ok: true };
  }

  @SubscribeMessage('presence')
  async setPresence(@ConnectedSocket() socket: Socket, @MessageBody() body: { status?: unknown }): Promise<Ack> {
    const { actor, conversationId } = identityOf(socket);
    if (body?.status !== 'online' && body?.status !== 'offline') return { ok: false, error: 'status must be online or offline' };
    await this.presence.declared(actor, conversationId, body.status);
    return { ok: true };
  }

  /** The room's members and, in a support room, its inbox's team: the people its messages are pushed to. */
  private async membersOf(accountId: string, roomId: string): Promise<string[] | null> {
    const key = `${accountId}:${roomId}`;
    const cached = this.members.get(key);
    if (cached) return cached;
    const room = await this.rooms
      .findOne({ _id: new Types.ObjectId(roomId), account_id: accountId, deleted: false }, { 'members.conversation_id': 1, 'support.team': 1 })
      .lean<{ members: { conversation_id: Types.ObjectId }[]; support?: { team?: Types.ObjectId[] } | null }>();
    if (!room) return null;
    const members = [
      ...new Set([...room.members.map((member) => member.conversation_id.toHexString()), ...(room.support?.team ?? []).map((member) => member.toHexString())]),
    ];
    this.members.set(key, members);
    return members;
  }
}
