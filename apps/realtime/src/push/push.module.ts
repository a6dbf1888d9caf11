import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Conversation, ConversationSchema } from '@parley/database';
import { RealtimeGateway } from '../socket/realtime.gateway.js';
import { PushEventsHandler } from './push-events.handler.js';
import { PushService } from './push.service.js';

@Module({
  // read only: a socket's conversation is looked up at the handshake (rooms owns conversations)
  imports: [MongooseModule.forFeature([{ name: Conversation.name, schema: ConversationSchema }])],
  controllers: [PushEventsHandler],
  providers: [RealtimeGateway, PushService],
})
export class PushModule {}
