import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, Payload } from '@nestjs/microservices';
import {
  EventTopics,
  type EventEnvelope,
  type MessageCreatedData,
  type MessageDeletedData,
  type MessageUpdatedData,
  type ReminderDueData,
} from '@parley/contracts';
import { EventConsumer, OnEvent, RUNS_PER_KEY } from '@parley/kafka';
import {
  messageDeletedDeliveries,
  messageUpdatedDeliveries,
  newMessageDeliveries,
  reminderDueDeliveries,
  type Delivery,
} from './deliveries.js';
import { PushService } from './push.service.js';

/** Pushes message events (new, edited, deleted, reminders) to the devices they concern. */
@Controller()
export class MessageEventsHandler {
  constructor(
    private readonly consumer: EventConsumer,
    private readonly push: PushService,
  ) {}

  /** A room's new messages come as runs: a bulk's thousand are claimed in a few Redis round trips, not a thousand. */
  @OnEvent(EventTopics.MessageCreated, RUNS_PER_KEY)
  async onMessageCreated(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.handle<MessageCreatedData>(
      'realtime.message-created',
      payload,
      context,
      async (envelope) => void (await this.push.pushOnce(envelope, newMessageDeliveries(envelope))),
      async (events) => void (await this.push.pushAllOnce(events.map(({ envelope }) => ({ envelope, deliveries: newMessageDeliveries(envelope) })))),
    );
  }

  @OnEvent(EventTopics.MessageUpdated)
  onMessageUpdated(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    return this.deliver<MessageUpdatedData>('realtime.message-updated', payload, context, messageUpdatedDeliveries);
  }

  @OnEvent(EventTopics.MessageDeleted)
  onMessageDeleted(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    return this.deliver<MessageDeletedData>('realtime.message-deleted', payload, context, messageDeletedDeliveries);
  }

  @OnEvent(EventTopics.ReminderDue)
  onReminderDue(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    return this.deliver<ReminderDueData>('realtime.reminder-due', payload, context, reminderDueDeliveries);
  }

  private async deliver<T>(consumer: string, payload: unknown, context: KafkaContext, deliveries: (envelope: EventEnvelope<T>) => Delivery[]): Promise<void> {
    await this.consumer.handle<T>(consumer, payload, context, async (envelope) => {
      await this.push.pushOnce(envelope, deliveries(envelope));
    });
  }
}
