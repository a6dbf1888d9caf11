import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, Payload } from '@nestjs/microservices';
import { EventTopics, type RoomCreatedData, type RoomReadData, type RoomUpdatedData } from '@parley/contracts';
import { OnEvent, RUNS_PER_KEY } from '@parley/kafka';
import { readReceiptDeliveries, roomCreatedDeliveries, roomUpdatedDeliveries } from './deliveries.js';
import { EventPushes } from './event-pushes.js';

/** Pushes room events (created, updated, read) to the devices of the room's members. */
@Controller()
export class RoomEventsHandler {
  constructor(private readonly pushes: EventPushes) {}

  /** A room's updates come as runs (a busy channel's), claimed in one Redis round trip. */
  @OnEvent(EventTopics.RoomUpdated, RUNS_PER_KEY)
  onRoomUpdated(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    return this.pushes.handle<RoomUpdatedData>('realtime.room-updated', payload, context, roomUpdatedDeliveries);
  }

  @OnEvent(EventTopics.RoomRead)
  onRoomRead(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    return this.pushes.handle<RoomReadData>('realtime.room-read', payload, context, readReceiptDeliveries);
  }

  @OnEvent(EventTopics.RoomCreated)
  onRoomCreated(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    return this.pushes.handle<RoomCreatedData>('realtime.room-created', payload, context, roomCreatedDeliveries);
  }
}
