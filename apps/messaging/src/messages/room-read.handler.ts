import { Controller } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Ctx, KafkaContext, Payload } from '@nestjs/microservices';
import type { Connection } from 'mongoose';
import { EventTopics, type RoomReadData } from '@parley/contracts';
import { runTransaction, toObjectId } from '@parley/database';
import { EventConsumer, OnEvent } from '@parley/kafka';
import { MessagesRepository } from './messages.repository.js';
import { RoomAccess } from './room-access.js';

/**
 * Read state per message in listing rooms (the marketplace contract's `is_read` and `read_at`): when
 * a participant reads the room up to a message, every message the other one sent up to it is read.
 * Idempotent by nature: only unread messages change.
 */
@Controller()
export class RoomReadHandler {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly consumer: EventConsumer,
    private readonly messages: MessagesRepository,
    private readonly rooms: RoomAccess,
  ) {}

  @OnEvent(EventTopics.RoomRead)
  async onRoomRead(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.handle<RoomReadData>('messaging.room-read', payload, context, async (envelope) => {
      // A service's read mark names one message, already written by messaging itself.
      if (envelope.data.source === 'm2m') return;
      const roomId = toObjectId(envelope.data.room_id, 'room_id');
      const room = await this.rooms.roomOfAccount(envelope.accountId, roomId);
      if (room?.type !== 'listing') return;
      const read = await this.messages.findById(envelope.accountId, toObjectId(envelope.data.message_id, 'message_id'));
      if (!read) return;
      const reader = toObjectId(envelope.data.conversation_id, 'conversation_id');
      // In a transaction: the messages read take the room's next change number with them.
      await runTransaction(this.connection, (session) => this.messages.markReadUpTo(envelope.accountId, roomId, reader, read.seq, new Date(envelope.occurredAt), session));
    });
  }
}
