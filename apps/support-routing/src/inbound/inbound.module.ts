import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Conversation, ConversationSchema, SupportInbox, SupportInboxSchema, UnroutedInbound, UnroutedInboundSchema } from '@parley/database';
import { InboundHandler } from './inbound.handler.js';
import { InboundService } from './inbound.service.js';
import { UnroutedRepository } from './unrouted.repository.js';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: SupportInbox.name, schema: SupportInboxSchema },
      { name: UnroutedInbound.name, schema: UnroutedInboundSchema },
      // read only: conversations belong to rooms (the default inbound ones)
      { name: Conversation.name, schema: ConversationSchema },
    ]),
  ],
  controllers: [InboundHandler],
  providers: [InboundService, UnroutedRepository],
})
export class InboundModule {}
