import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, Payload } from '@nestjs/microservices';
import { EventTopics, type MessageCreatedData, type MessageDeletedData, type MessageUpdatedData, type ReminderDueData } from '@parley/contracts';
import { OnEvent, RUNS_PER_KEY } from '@parley/kafka';
import { messageDeletedDeliveries, messageUpdatedDeliveries, newMessageDeliveries, reminderDueDeliveries } from './deliveries.js';
import { EventPushes } from './event-pushes.js';

/** Pushes message events (new, edited, deleted, reminders) to the devices they concern. */
@Controller()
export class MessageEventsHandler {
  constructor(private readonly pushes: EventPushes) {}

  /** A room's new messages come as runs: a bulk's thousand are claimed in a few Redis round trips, not a thousand. */
  @OnEvent(EventTopics.MessageCreated, RUNS_PER_KEY)
  onMessageCreated(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    return this.pushes.handle<MessageCreatedData>('realtime.message-created', payload, context, newMessageDeliveries);
  }

  @OnEvent(EventTopics.MessageUpdated)
  onMessageUpdated(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    return this.pushes.handle<MessageUpdatedData>('realtime.message-updated', payload, context, messageUpdatedDeliveries);
  }

  @OnEvent(EventTopics.MessageDeleted)
  onMessageDeleted(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    return this.pushes.handle<MessageDeletedData>('realtime.message-deleted', payload, context, messageDeletedDeliveries);
  }

  @OnEvent(EventTopics.ReminderDue)
  onReminderDue(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    return this.pushes.handle<ReminderDueData>('realtime.reminder-due', payload, context, reminderDueDeliveries);
  }
}
