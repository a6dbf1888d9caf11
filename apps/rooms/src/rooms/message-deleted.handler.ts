import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, Payload } from '@nestjs/microservices';
import { EventTopics, type MessageDeletedData } from '@parley/contracts';
import { EventConsumer, EventLedger, OnEvent } from '@parley/kafka';
import { correlationIdOfKafka } from '@parley/platform';
import { RoomsService } from './rooms.service.js';

/**
 * Applies `parley.message.deleted` to the room's unread counts, once per event: deleted for
 * everyone, it leaves every count that holds it; hidden from one member, that member's.
 */
@Controller()
export class MessageDeletedHandler {
  constructor(
    private readonly consumer: EventConsumer,
    private readonly ledger: EventLedger,
    private readonly rooms: RoomsService,
  ) {}

  @OnEvent(EventTopics.MessageDeleted)
  async handle(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.handle<MessageDeletedData>('rooms.message-deleted', payload, context, async (envelope) => {
      await this.ledger.applyOnce('rooms.message-deleted', envelope, (session) =>
        this.rooms.applyMessageDeleted(envelope, session, correlationIdOfKafka(context)),
      );
    });
  }
}
