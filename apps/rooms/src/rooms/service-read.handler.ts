import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, Payload } from '@nestjs/microservices';
import { EventTopics, type RoomReadData } from '@parley/contracts';
import { EventConsumer, EventLedger, OnEvent } from '@parley/kafka';
import { correlationIdOfKafka } from '@parley/platform';
import { RoomsService } from './rooms.service.js';

/**
 * Applies a back-end service's read mark (`parley.room.read` from messaging's m2m endpoints) to the
 * reader's unread count, as a user's own read mark does; once per event. Users' read marks are
 * rooms' own events, already applied when they were written.
 */
@Controller()
export class ServiceReadHandler {
  constructor(
    private readonly consumer: EventConsumer,
    private readonly ledger: EventLedger,
    private readonly rooms: RoomsService,
  ) {}

  @OnEvent(EventTopics.RoomRead)
  async handle(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.handle<RoomReadData>('rooms.service-read', payload, context, async (envelope) => {
      if (envelope.data.source !== 'm2m') return;
      await this.ledger.applyOnce('rooms.service-read', envelope, (session) => this.rooms.applyServiceRead(envelope, session, correlationIdOfKafka(context)));
    });
  }
}
