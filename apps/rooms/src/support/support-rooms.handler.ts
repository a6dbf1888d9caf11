import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, MessagePattern, Payload } from '@nestjs/microservices';
import {
  EventTopics,
  RoomsPatterns,
  type CommandMessage,
  type RoomView,
  type SupportRoomOpenPayload,
  type SupportUpdatedData,
} from '@parley/contracts';
import { EventConsumer, OnEvent } from '@parley/kafka';
import { runTransaction } from '@parley/database';
import { correlationIdOfKafka } from '@parley/platform';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { SupportRoomsService } from './support-rooms.service.js';

/** Opening support rooms for the gateway, and the support state support-routing decides. */
@Controller()
export class SupportRoomsHandler {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly support: SupportRoomsService,
    private readonly consumer: EventConsumer,
  ) {}

  @MessagePattern(RoomsPatterns.SupportRoomOpen)
  open(@Payload() command: CommandMessage<SupportRoomOpenPayload>, @Ctx() context: KafkaContext): Promise<{ created: boolean; room: RoomView }> {
    return this.support.open(command.actor, command.payload, correlationIdOfKafka(context));
  }

  @OnEvent(EventTopics.SupportUpdated)
  async onSupportUpdated(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.handle<SupportUpdatedData>('rooms.support-updated', payload, context, async (envelope) => {
      // Idempotent by the state's version (an older or equal one changes nothing): no ledger needed.
      await runTransaction(this.connection, (session) => this.support.applySupportUpdated(envelope, session, correlationIdOfKafka(context)));
    });
  }
}
