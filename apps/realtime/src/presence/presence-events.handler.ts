import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, Payload } from '@nestjs/microservices';
import { EventTopics, type PresenceChangedData } from '@parley/contracts';
import { EventConsumer, OnEvent } from '@parley/kafka';
import { statusChangedDeliveries } from '../push/deliveries.js';
import { PushService } from '../push/push.service.js';

/** Pushes every presence change, from the API or from devices, to the whole team as `status_changed`. */
@Controller()
export class PresenceEventsHandler {
  constructor(
    private readonly consumer: EventConsumer,
    private readonly push: PushService,
  ) {}

  @OnEvent(EventTopics.PresenceChanged)
  async onPresenceChanged(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.handle<PresenceChangedData>('realtime.presence-changed', payload, context, async (envelope) => {
      await this.push.pushOnce(envelope, statusChangedDeliveries(envelope));
    });
  }
}
