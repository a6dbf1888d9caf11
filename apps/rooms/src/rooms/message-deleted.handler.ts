import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, Payload } from '@nestjs/microservices';
import { EventTopics, type MessageDeletedData } from '@parley/contracts';
import { EventConsumer, EventLedger, OnEvent } from '@parley/kafka';
import { correlationIdOfKafka } from '@parley/platform';
import { RoomsService } from './rooms.service.js';

/** Applies `parley.message.deleted` (for everyone) to the room's unread counts, once per event. */
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
      // Deleted for one user only: the message still counts for everyone else, and for them it was read or not.
      if (envelope.data.for !== 'everyone') return;
      await this.ledger.applyOnce('rooms.message-deleted', envelope, (session) =>
        this.rooms.applyMessageDeleted(envelope, session, correlationIdOfKafka(context)),
      );
    });
  }
}
