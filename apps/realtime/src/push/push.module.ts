import { Module } from '@nestjs/common';
import { SocketModule } from '../socket/socket.module.js';
import { EventPushes } from './event-pushes.js';
import { MessageEventsHandler } from './message-events.handler.js';
import { PushService } from './push.service.js';
import { RoomEventsHandler } from './room-events.handler.js';
import { SupportEventsHandler } from './support-events.handler.js';

/** Kafka events in, socket events out. */
@Module({
  imports: [SocketModule],
  controllers: [MessageEventsHandler, RoomEventsHandler, SupportEventsHandler],
  providers: [PushService, EventPushes],
  exports: [PushService, EventPushes],
})
export class PushModule {}
