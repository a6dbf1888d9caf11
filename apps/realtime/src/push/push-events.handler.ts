import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, Payload } from '@nestjs/microservices';
import {
  EventTopics,
  type EventEnvelope,
  type MessageCreatedData,
  type RoomCreatedData,
  type RoomReadData,
  type RoomUpdatedData,
} from '@parley/contracts';
import { EventConsumer, OnEvent } from '@parley/kafka';
import {
  newMessageDeliveries,
  readReceiptDeliveries,
  roomCreatedDeliveries,
  roomUpdatedDeliveries,
} from './deliveries.js';
import type { Delivery } from './push.service.js';
import { PushService } from './push.service.js';

/** Turns room and message events into socket events for the members' devices. */
@Controller()
export class PushEventsHandler {
  constructor(
    private readonly consumer: EventConsumer,
    private readonly push: PushService,
  ) {}

  @OnEvent(EventTopics.MessageCreated)
  onMessageCreated(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    return this.deliver<MessageCreatedData>('realtime.message-created', payload, context, newMessageDeliveries);
  }

  @OnEvent(EventTopics.RoomUpdated)
  onRoomUpdated(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    return this.deliver<RoomUpdatedData>('realtime.room-updated', payload, context, roomUpdatedDeliveries);
  }

  @OnEvent(EventTopics.RoomRead)
  onRoomRead(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    return this.deliver<RoomReadData>('realtime.room-read', payload, context, readReceiptDeliveries);
  }

  @OnEvent(EventTopics.RoomCreated)
  onRoomCreated(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    return this.deliver<RoomCreatedData>('realtime.room-created', payload, context, roomCreatedDeliveries);
  }

  private deliver<T>(
    consumer: string,
    payload: unknown,
    context: KafkaContext,
    deliveries: (envelope: EventEnvelope<T>) => Delivery[],
  ): Promise<void> {
    return this.consumer.handle<T>(consumer, payload, context, async (envelope) => {
      await this.push.pushOnce(envelope, deliveries(envelope));
    });
  }
}
