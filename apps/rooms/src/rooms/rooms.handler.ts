import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, MessagePattern, Payload } from '@nestjs/microservices';
import {
  RoomsPatterns,
  type CommandMessage,
  type Page,
  type RoomCreatePayload,
  type RoomListPayload,
  type RoomReadPayload,
  type RoomRefPayload,
  type RoomView,
} from '@parley/contracts';
import { correlationIdOfKafka } from '@parley/platform';
import { RoomsService } from './rooms.service.js';

/** Room commands and queries from the gateway. */
@Controller()
export class RoomsHandler {
  constructor(private readonly rooms: RoomsService) {}

  @MessagePattern(RoomsPatterns.RoomCreate)
  create(@Payload() command: CommandMessage<RoomCreatePayload>, @Ctx() context: KafkaContext) {
    return this.rooms.createDirect(command.actor, command.payload, correlationIdOfKafka(context));
  }

  @MessagePattern(RoomsPatterns.RoomList)
  list(@Payload() command: CommandMessage<RoomListPayload>): Promise<Page<RoomView>> {
    return this.rooms.list(command.actor, command.payload);
  }

  @MessagePattern(RoomsPatterns.RoomGet)
  get(@Payload() command: CommandMessage<RoomRefPayload>): Promise<RoomView> {
    return this.rooms.get(command.actor, command.payload.roomId);
  }

  @MessagePattern(RoomsPatterns.RoomRead)
  read(@Payload() command: CommandMessage<RoomReadPayload>, @Ctx() context: KafkaContext): Promise<RoomView> {
    return this.rooms.markRead(command.actor, command.payload.roomId, command.payload.messageId, correlationIdOfKafka(context));
  }
}
