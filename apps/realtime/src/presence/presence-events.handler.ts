import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, Payload } from '@nestjs/microservices';
import { EventTopics, type PresenceChangedData } from '@parley/contracts';
import { OnEvent } from '@parley/kafka';
import { statusChangedDeliveries } from '../push/deliveries.js';
import { EventPushes } from '../push/event-pushes.js';

/** Pushes every presence change, from the API or from devices, to the whole team as `status_changed`. */
@Controller()
export class PresenceEventsHandler {
  constructor(private readonly pushes: EventPushes) {}

  @OnEvent(EventTopics.PresenceChanged)
  onPresenceChanged(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    return this.pushes.handle<PresenceChangedData>('realtime.presence-changed', payload, context, statusChangedDeliveries);
  }
}
