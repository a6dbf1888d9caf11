import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import {
  Conversation,
  ConversationSchema,
  Message,
  MessageSchema,
  MessageSequence,
  MessageSequenceSchema,
  Room,
  RoomSchema,
} from '@parley/database';
import { ContentSanitizer } from './content-sanitizer.js';
import { MessagesHandler } from './messages.handler.js';
import { MessagesRepository } from './messages.repository.js';
import { MessagesService } from './messages.service.js';
import { RoomAccess } from './room-access.js';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Message.name, schema: MessageSchema },
      { name: MessageSequence.name, schema: MessageSequenceSchema },
      // read only: membership checks (rooms owns these)
      { name: Room.name, schema: RoomSchema },
      { name: Conversation.name, schema: ConversationSchema },
    ]),
  ],
  controllers: [MessagesHandler],
  providers: [MessagesRepository, MessagesService, RoomAccess, ContentSanitizer],
})
export class MessagesModule {}
