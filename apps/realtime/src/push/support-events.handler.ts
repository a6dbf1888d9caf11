import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, Payload } from '@nestjs/microservices';
import { EventTopics, type SupportAssignedData } from '@parley/contracts';
import { OnEvent } from '@parley/kafka';
import { supportAssignedDeliveries } from './deliveries.js';
import { EventPushes } from './event-pushes.js';

/** Pushes support assignments to the devices of the member who got the room. */
@Controller()
export class SupportEventsHandler {
  constructor(private readonly pushes: EventPushes) {}

  @OnEvent(EventTopics.SupportAssigned)
  onSupportAssigned(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    return this.pushes.handle<SupportAssignedData>('realtime.support-assigned', payload, context, supportAssignedDeliveries);
  }
}
