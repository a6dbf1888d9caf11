import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import {
  Conversation,
  ConversationSchema,
  PresenceHistoryEntry,
  PresenceHistoryEntrySchema,
  User,
  UserSchema,
} from '@parley/database';
import { ConversationsHandler } from './conversations.handler.js';
import { ConversationsRepository } from './conversations.repository.js';
import { ConversationsService } from './conversations.service.js';
import { DevUsers } from './dev-users.js';
import { UsersRepository } from './users.repository.js';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Conversation.name, schema: ConversationSchema },
      { name: PresenceHistoryEntry.name, schema: PresenceHistoryEntrySchema },
      // the identity service's users: read only (but for DevUsers under npm start)
      { name: User.name, schema: UserSchema },
    ]),
  ],
  controllers: [ConversationsHandler],
  providers: [ConversationsRepository, UsersRepository, ConversationsService, DevUsers],
  exports: [ConversationsRepository, UsersRepository],
})
export class ConversationsModule {}
