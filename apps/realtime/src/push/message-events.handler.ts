import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, Payload } from '@nestjs/microservices';
import { EventTopics, type MessageCreatedData } from '@parley/contracts';
import { EventConsumer, OnEvent } from '@parley/kafka';
import { newMessageDeliveries } from './deliveries.js';
import { PushService } from './push.service.js';

/** Pushes message events to the devices of the room's members. */
@Controller()
export class MessageEventsHandler {
  constructor(
    private readonly consumer: EventConsumer,
    private readonly push: PushService,
  ) {}

  @OnEvent(EventTopics.MessageCreated)
  async onMessageCreated(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.handle<MessageCreatedData>('realtime.message-created', payload, context, async (envelope) => {
      await this.push.pushOnce(envelope, newMessageDeliveries(envelope));
    });
  }
}
