import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, Payload } from '@nestjs/microservices';
import { EventTopics, type RoomCreatedData, type RoomReadData, type RoomUpdatedData } from '@parley/contracts';
import { EventConsumer, OnEvent, RUNS_PER_KEY } from '@parley/kafka';
import { readReceiptDeliveries, roomCreatedDeliveries, roomUpdatedDeliveries } from './deliveries.js';
import { PushService } from './push.service.js';

/** Pushes room events (created, updated, read) to the devices of the room's members. */
@Controller()
export class RoomEventsHandler {
  constructor(
    private readonly consumer: EventConsumer,
    private readonly push: PushService,
  ) {}

  /** A room's updates come as runs (a busy channel's), claimed in one Redis round trip. */
  @OnEvent(EventTopics.RoomUpdated, RUNS_PER_KEY)
  async onRoomUpdated(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.handle<RoomUpdatedData>(
      'realtime.room-updated',
      payload,
      context,
      async (envelope) => void (await this.push.pushOnce(envelope, roomUpdatedDeliveries(envelope))),
      async (events) => void (await this.push.pushAllOnce(events.map(({ envelope }) => ({ envelope, deliveries: roomUpdatedDeliveries(envelope) })))),
    );
  }

  @OnEvent(EventTopics.RoomRead)
  async onRoomRead(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.handle<RoomReadData>('realtime.room-read', payload, context, async (envelope) => {
      await this.push.pushOnce(envelope, readReceiptDeliveries(envelope));
    });
  }

  @OnEvent(EventTopics.RoomCreated)
  async onRoomCreated(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.handle<RoomCreatedData>('realtime.room-created', payload, context, async (envelope) => {
      await this.push.pushOnce(envelope, roomCreatedDeliveries(envelope));
    });
  }
}
