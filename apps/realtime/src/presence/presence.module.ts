import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Room, RoomSchema } from '@parley/database';
import { PushModule } from '../push/push.module.js';
import { SocketModule } from '../socket/socket.module.js';
import { ClientEventsGateway } from './client-events.gateway.js';
import { PresenceEventsHandler } from './presence-events.handler.js';
import { PresenceService } from './presence.service.js';

/** Rooms owns `conversations.rooms`; realtime reads members for typing without creating or indexing anything. */
const ReadOnlyRoomSchema = RoomSchema.clone().set('autoIndex', false).set('autoCreate', false);

/** Presence from devices, typing indicators, and status changes pushed to the team. */
@Module({
  imports: [SocketModule, PushModule, MongooseModule.forFeature([{ name: Room.name, schema: ReadOnlyRoomSchema }])],
  controllers: [PresenceEventsHandler],
  providers: [PresenceService, ClientEventsGateway],
})
export class PresenceModule {}
