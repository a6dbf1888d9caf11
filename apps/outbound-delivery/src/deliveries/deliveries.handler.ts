import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, MessagePattern, Payload } from '@nestjs/microservices';
import { EventTopics, OutboundDeliveryPatterns, type CommandMessage, type DeliveryReportPayload, type DeliveryRequestedData } from '@parley/contracts';
import { EventConsumer, OnEvent, replayedFor } from '@parley/kafka';
import { correlationIdOfKafka } from '@parley/platform';
import { DeliveriesService } from './deliveries.service.js';

/** Requested SMS and email from messaging, and providers' reports relayed by the gateway's webhooks. */
@Controller()
export class DeliveriesHandler {
  constructor(
    private readonly consumer: EventConsumer,
    private readonly deliveries: DeliveriesService,
  ) {}

  @OnEvent(EventTopics.DeliveryRequested)
  async onDeliveryRequested(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.handle<DeliveryRequestedData>('outbound-delivery.delivery-requested', payload, context, (envelope) =>
      this.deliveries.deliver(envelope, correlationIdOfKafka(context), replayedFor(context) !== undefined),
    );
  }

  @MessagePattern(OutboundDeliveryPatterns.DeliveryReport)
  report(@Payload() command: CommandMessage<DeliveryReportPayload>, @Ctx() context: KafkaContext): Promise<{ applied: boolean }> {
    return this.deliveries.report(command.payload, correlationIdOfKafka(context));
  }
}
