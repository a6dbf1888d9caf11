import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Conversation, ConversationSchema } from '@parley/database';
import { TeamRepository } from './team.repository.js';

@Module({
  // read only: conversations belong to rooms
  imports: [MongooseModule.forFeature([{ name: Conversation.name, schema: ConversationSchema }])],
  providers: [TeamRepository],
  exports: [TeamRepository],
})
export class TeamModule {}
