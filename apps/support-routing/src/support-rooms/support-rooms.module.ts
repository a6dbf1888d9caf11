import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Message, MessageSchema } from '@parley/database';
import { RoutingModule } from '../routing/routing.module.js';
import { RoomMessagesRepository } from './room-messages.repository.js';
import { SupportEventsHandler } from './support-events.handler.js';
import { SupportRoomsHandler } from './support-rooms.handler.js';
import { SupportRoomsService } from './support-rooms.service.js';

@Module({
  imports: [
    RoutingModule,
    // read only: messages belong to messaging
    MongooseModule.forFeature([{ name: Message.name, schema: MessageSchema }]),
  ],
  controllers: [SupportRoomsHandler, SupportEventsHandler],
  providers: [SupportRoomsService, RoomMessagesRepository],
})
export class SupportRoomsModule {}
