import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Message, MessageSchema, Room, RoomSchema } from '@parley/database';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { ChannelsService } from './channels.service.js';
import { MessageCreatedHandler } from './message-created.handler.js';
import { MessageDeletedHandler } from './message-deleted.handler.js';
import { RoomsHandler } from './rooms.handler.js';
import { RoomsRepository } from './rooms.repository.js';
import { RoomsService } from './rooms.service.js';

@Module({
  imports: [
    ConversationsModule,
    MongooseModule.forFeature([
      { name: Room.name, schema: RoomSchema },
      // read only: rooms checks that a message read is in the room and counts what is still unread
      { name: Message.name, schema: MessageSchema },
    ]),
  ],
  controllers: [RoomsHandler, MessageCreatedHandler, MessageDeletedHandler],
  providers: [RoomsRepository, RoomsService, ChannelsService],
})
export class RoomsModule {}
