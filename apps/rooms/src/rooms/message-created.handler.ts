import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, Payload } from '@nestjs/microservices';
import { EventTopics, type MessageCreatedData } from '@parley/contracts';
import { EventConsumer, EventLedger, OnEvent, type LedgerEvent } from '@parley/kafka';
import { correlationIdOfKafka } from '@parley/platform';
import { RoomsService } from './rooms.service.js';

/**
 * Applies `parley.message.created` to the room: last message and unread counts, once per event.
 * Events of rooms consumed at the same moment share one transaction.
 */
@Controller()
export class MessageCreatedHandler {
  private readonly apply: (event: LedgerEvent<MessageCreatedData>) => Promise<boolean>;

  constructor(
    private readonly consumer: EventConsumer,
    ledger: EventLedger,
    rooms: RoomsService,
  ) {
    this.apply = ledger.batched<MessageCreatedData>('rooms.message-created', (session, events) => rooms.applyMessagesCreated(events, session));
  }

  @OnEvent(EventTopics.MessageCreated)
  async handle(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.handle<MessageCreatedData>('rooms.message-created', payload, context, async (envelope) => {
      await this.apply({ envelope, correlationId: correlationIdOfKafka(context) });
    });
  }
}
