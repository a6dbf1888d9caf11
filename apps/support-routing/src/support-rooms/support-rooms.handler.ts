import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, MessagePattern, Payload } from '@nestjs/microservices';
import {
  SupportPatterns,
  type CommandMessage,
  type Page,
  type SupportRoomAssignPayload,
  type SupportRoomListPayload,
  type SupportRoomRefPayload,
  type SupportRoomView,
} from '@parley/contracts';
import { correlationIdOfKafka } from '@parley/platform';
import { SupportRoomsService } from './support-rooms.service.js';

/** Support room commands and queries from the gateway. */
@Controller()
export class SupportRoomsHandler {
  constructor(private readonly rooms: SupportRoomsService) {}

  @MessagePattern(SupportPatterns.RoomList)
  list(@Payload() command: CommandMessage<SupportRoomListPayload>): Promise<Page<SupportRoomView>> {
    return this.rooms.list(command.actor, command.payload);
  }

  @MessagePattern(SupportPatterns.RoomAssign)
  assign(@Payload() command: CommandMessage<SupportRoomAssignPayload>, @Ctx() context: KafkaContext): Promise<SupportRoomView> {
    return this.rooms.assign(command.actor, command.payload, correlationIdOfKafka(context));
  }

  @MessagePattern(SupportPatterns.RoomResolve)
  resolve(@Payload() command: CommandMessage<SupportRoomRefPayload>, @Ctx() context: KafkaContext): Promise<SupportRoomView> {
    return this.rooms.resolve(command.actor, command.payload.roomId, correlationIdOfKafka(context));
  }

  @MessagePattern(SupportPatterns.RoomReopen)
  reopen(@Payload() command: CommandMessage<SupportRoomRefPayload>, @Ctx() context: KafkaContext): Promise<SupportRoomView> {
    return this.rooms.reopen(command.actor, command.payload.roomId, correlationIdOfKafka(context));
  }
}
