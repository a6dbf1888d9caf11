import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, Payload } from '@nestjs/microservices';
import { EventTopics, type MessageCreatedData } from '@parley/contracts';
import { EventConsumer, EventLedger, OnEvent, RUNS_PER_KEY, type LedgerApply } from '@parley/kafka';
import { correlationIdOfKafka } from '@parley/platform';
import { RoomsService } from './rooms.service.js';

/**
 * Applies `parley.message.created` to the room: last message and unread counts, once per event.
 * A room's events come as runs (a bulk of a thousand messages is one transaction and one
 * `room.updated`, not a thousand one after the other), and the runs of rooms consumed at the same
 * moment share one transaction.
 */
@Controller()
export class MessageCreatedHandler {
  private readonly apply: LedgerApply<MessageCreatedData>;

  constructor(
    private readonly consumer: EventConsumer,
    ledger: EventLedger,
    rooms: RoomsService,
  ) {
    this.apply = ledger.batched<MessageCreatedData>('rooms.message-created', (session, events) => rooms.applyMessagesCreated(events, session));
  }

  @OnEvent(EventTopics.MessageCreated, RUNS_PER_KEY)
  async handle(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.handle<MessageCreatedData>(
      'rooms.message-created',
      payload,
      context,
      async (envelope, its) => void (await this.apply([{ envelope, correlationId: correlationIdOfKafka(its) }])),
      async (events) => void (await this.apply(events.map(({ envelope, context: its }) => ({ envelope, correlationId: correlationIdOfKafka(its) })))),
    );
  }
}
