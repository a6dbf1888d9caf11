import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, Payload } from '@nestjs/microservices';
import { EventTopics, type SupportAssignedData } from '@parley/contracts';
import { EventConsumer, OnEvent } from '@parley/kafka';
import { supportAssignedDeliveries } from './deliveries.js';
import { PushService } from './push.service.js';

/** Pushes support assignments to the devices of the member who got the room. */
@Controller()
export class SupportEventsHandler {
  constructor(
    private readonly consumer: EventConsumer,
    private readonly push: PushService,
  ) {}

  @OnEvent(EventTopics.SupportAssigned)
  async onSupportAssigned(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.handle<SupportAssignedData>('realtime.support-assigned', payload, context, async (envelope) => {
      await this.push.pushOnce(envelope, supportAssignedDeliveries(envelope));
    });
  }
}
