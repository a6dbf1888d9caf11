import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Conversation, ConversationSchema } from '@parley/database';
import { RealtimeGateway } from './realtime.gateway.js';
import { RecoveryGate } from './recovery-gate.js';

/**
 * Rooms owns `conversations`; realtime only reads it at the handshake. Its copy of the schema
 * neither creates the collection nor builds indexes, so an older or newer realtime cannot change
 * what rooms declared.
 */
const ReadOnlyConversationSchema = ConversationSchema.clone().set('autoIndex', false).set('autoCreate', false);

/** The Socket.IO server and the handshake that admits sockets to it. */
@Module({
  imports: [MongooseModule.forFeature([{ name: Conversation.name, schema: ReadOnlyConversationSchema }])],
  providers: [RealtimeGateway, RecoveryGate],
  exports: [RealtimeGateway, RecoveryGate],
})
export class SocketModule {}
