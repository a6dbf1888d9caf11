import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, Payload } from '@nestjs/microservices';
import { EventTopics, type MessageCreatedData } from '@parley/contracts';
import { EventConsumer, EventLedger, OnEvent } from '@parley/kafka';
import { correlationIdOfKafka } from '@parley/platform';
import { RoomsService } from './rooms.service.js';

/** Applies `parley.message.created` to the room: last message and unread counts, once per event. */
@Controller()
export class MessageCreatedHandler {
  constructor(
    private readonly consumer: EventConsumer,
    private readonly ledger: EventLedger,
    private readonly rooms: RoomsService,
  ) {}

  @OnEvent(EventTopics.MessageCreated)
  async handle(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.handle<MessageCreatedData>('rooms.message-created', payload, context, (envelope) =>
      this.ledger
        .applyOnce('rooms.message-created', envelope, (session) =>
          this.rooms.applyMessageCreated(envelope, session, correlationIdOfKafka(context)),
        )
        .then(() => undefined),
    );
  }
}
