import { Injectable } from '@nestjs/common';
import type { KafkaContext } from '@nestjs/microservices';
import type { EventEnvelope } from '@parley/contracts';
import { EventConsumer } from '@parley/kafka';
import type { Delivery } from './deliveries.js';
import { PushService } from './push.service.js';

/**
 * The consumer pattern of every realtime handler: an event (or a RUNS_PER_KEY handler's run of one
 * room's events) pushed once each, to the deliveries its topic names.
 */
@Injectable()
export class EventPushes {
  constructor(
    private readonly consumer: EventConsumer,
    private readonly push: PushService,
  ) {}

  /** Pushes what the handler was handed: one event, or a run whose ids are claimed together. */
  handle<T>(consumer: string, payload: unknown, context: KafkaContext, deliveries: (envelope: EventEnvelope<T>) => Delivery[]): Promise<void> {
    return this.consumer.handle<T>(
      consumer,
      payload,
      context,
      async (envelope) => void (await this.push.pushOnce(envelope, deliveries(envelope))),
      async (events) => void (await this.push.pushAllOnce(events.map(({ envelope }) => ({ envelope, deliveries: deliveries(envelope) })))),
    );
  }
}
