import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, MessagePattern, Payload } from '@nestjs/microservices';
import {
  EventTopics,
  RoomsPatterns,
  type CommandMessage,
  type DirectContactRoomOpenPayload,
  type RoomView,
  type SupportRoomOpenPayload,
  type SupportUpdatedData,
} from '@parley/contracts';
import { EventConsumer, EventLedger, OnEvent, type LedgerApply } from '@parley/kafka';
import { correlationIdOfKafka } from '@parley/platform';
import { SupportRoomsService } from './support-rooms.service.js';

/**
 * Opening support rooms for the gateway, and the support state support-routing decides (states of
 * rooms consumed at the same moment are mirrored in one transaction).
 */
@Controller()
export class SupportRoomsHandler {
  private readonly mirror: LedgerApply<SupportUpdatedData>;

  constructor(
    private readonly support: SupportRoomsService,
    private readonly consumer: EventConsumer,
    ledger: EventLedger,
  ) {
    this.mirror = ledger.batched<SupportUpdatedData>('rooms.support-updated', (session, events) => support.applySupportUpdates(events, session));
  }

  @MessagePattern(RoomsPatterns.SupportRoomOpen)
  open(@Payload() command: CommandMessage<SupportRoomOpenPayload>, @Ctx() context: KafkaContext): Promise<{ created: boolean; room: RoomView }> {
    return this.support.open(command.actor, command.payload, correlationIdOfKafka(context));
  }

  @MessagePattern(RoomsPatterns.DirectContactRoomOpen)
  openDirect(@Payload() command: CommandMessage<DirectContactRoomOpenPayload>, @Ctx() context: KafkaContext): Promise<{ created: boolean; room: RoomView }> {
    return this.support.openDirect(command.actor, command.payload, correlationIdOfKafka(context));
  }

  @OnEvent(EventTopics.SupportUpdated)
  async onSupportUpdated(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.handle<SupportUpdatedData>('rooms.support-updated', payload, context, async (envelope) => {
      await this.mirror([{ envelope, correlationId: correlationIdOfKafka(context) }]);
    });
  }
}
