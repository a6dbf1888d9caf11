import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CrmContact, CrmContactSchema, Message, MessageSchema, Room, RoomSchema, SupportInbox, SupportInboxSchema } from '@parley/database';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { ChannelsService } from './channels.service.js';
import { MessageCreatedHandler } from './message-created.handler.js';
import { MessageDeletedHandler } from './message-deleted.handler.js';
import { RoomsHandler } from './rooms.handler.js';
import { RoomsRepository } from './rooms.repository.js';
import { RoomsService } from './rooms.service.js';
import { M2mThreadsHandler } from '../m2m/m2m-threads.handler.js';
import { M2mThreadsService } from '../m2m/m2m-threads.service.js';
import { SupportInboxesRepository } from '../support/support-inboxes.repository.js';
import { SupportRoomsHandler } from '../support/support-rooms.handler.js';
import { SupportRoomsService } from '../support/support-rooms.service.js';

@Module({
  imports: [
    ConversationsModule,
    MongooseModule.forFeature([
      { name: Room.name, schema: RoomSchema },
      // read only: rooms checks that a message read is in the room and counts what is still unread
      { name: Message.name, schema: MessageSchema },
      // read only: support rooms show their inbox's team (support-routing's) and CRM contacts
      { name: SupportInbox.name, schema: SupportInboxSchema },
      { name: CrmContact.name, schema: CrmContactSchema },
    ]),
  ],
  controllers: [RoomsHandler, MessageCreatedHandler, MessageDeletedHandler, SupportRoomsHandler, M2mThreadsHandler],
  providers: [RoomsRepository, RoomsService, ChannelsService, SupportRoomsService, SupportInboxesRepository, M2mThreadsService],
})
export class RoomsModule {}
