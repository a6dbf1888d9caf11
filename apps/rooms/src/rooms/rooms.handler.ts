import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, MessagePattern, Payload } from '@nestjs/microservices';
import {
  RoomsPatterns,
  type CommandMessage,
  type Page,
  type RoomCreatePayload,
  type RoomFavoritePayload,
  type RoomListPayload,
  type RoomMemberPayload,
  type RoomMembersPayload,
  type RoomReadPayload,
  type RoomRefPayload,
  type RoomSnoozePayload,
  type ServiceReadMark,
  type RoomUpdatePayload,
  type RoomView,
} from '@parley/contracts';
import { correlationIdOfKafka } from '@parley/platform';
import { ChannelsService } from './channels.service.js';
import { RoomsService } from './rooms.service.js';

/** Room commands and queries from the gateway. */
@Controller()
export class RoomsHandler {
  constructor(
    private readonly rooms: RoomsService,
    private readonly channels: ChannelsService,
  ) {}

  @MessagePattern(RoomsPatterns.RoomCreate)
  create(@Payload() command: CommandMessage<RoomCreatePayload>, @Ctx() context: KafkaContext) {
    const correlationId = correlationIdOfKafka(context);
    return command.payload.type === 'channel'
      ? this.channels.create(command.actor, command.payload, correlationId)
      : this.rooms.createPairRoom(command.actor, command.payload, correlationId);
  }

  @MessagePattern(RoomsPatterns.RoomList)
  list(@Payload() command: CommandMessage<RoomListPayload>): Promise<Page<RoomView>> {
    return this.rooms.list(command.actor, command.payload);
  }

  @MessagePattern(RoomsPatterns.RoomGet)
  get(@Payload() command: CommandMessage<RoomRefPayload>): Promise<RoomView> {
    return this.rooms.get(command.actor, command.payload.roomId);
  }

  @MessagePattern(RoomsPatterns.RoomUpdate)
  rename(@Payload() command: CommandMessage<RoomUpdatePayload>, @Ctx() context: KafkaContext): Promise<RoomView> {
    return this.channels.rename(command.actor, command.payload.roomId, command.payload.name, correlationIdOfKafka(context));
  }

  @MessagePattern(RoomsPatterns.RoomDelete)
  async remove(@Payload() command: CommandMessage<RoomRefPayload>, @Ctx() context: KafkaContext): Promise<{ deleted: true }> {
    await this.channels.remove(command.actor, command.payload.roomId, correlationIdOfKafka(context));
    return { deleted: true };
  }

  @MessagePattern(RoomsPatterns.RoomAddMembers)
  addMembers(@Payload() command: CommandMessage<RoomMembersPayload>, @Ctx() context: KafkaContext): Promise<RoomView> {
    return this.channels.addMembers(command.actor, command.payload.roomId, command.payload.members, correlationIdOfKafka(context));
  }

  @MessagePattern(RoomsPatterns.RoomRemoveMember)
  removeMember(@Payload() command: CommandMessage<RoomMemberPayload>, @Ctx() context: KafkaContext): Promise<RoomView> {
    return this.channels.removeMember(command.actor, command.payload.roomId, command.payload.conversationId, correlationIdOfKafka(context));
  }

  @MessagePattern(RoomsPatterns.RoomRead)
  read(@Payload() command: CommandMessage<RoomReadPayload>, @Ctx() context: KafkaContext): Promise<RoomView> {
    return this.rooms.markRead(command.actor, command.payload.roomId, command.payload.messageId, correlationIdOfKafka(context));
  }

  @MessagePattern(RoomsPatterns.RoomMarkUnread)
  markUnread(@Payload() command: CommandMessage<RoomReadPayload>, @Ctx() context: KafkaContext): Promise<RoomView> {
    return this.rooms.markUnread(command.actor, command.payload.roomId, command.payload.messageId, correlationIdOfKafka(context));
  }

  @MessagePattern(RoomsPatterns.ServiceReads)
  serviceReads(
    @Payload() command: CommandMessage<{ reads: ServiceReadMark[]; unreads?: ServiceReadMark[]; recounts?: string[] }>,
    @Ctx() context: KafkaContext,
  ): Promise<{ applied: number }> {
    const { reads, unreads = [], recounts = [] } = command.payload;
    return this.rooms.applyServiceReads(command.actor, { reads: reads ?? [], unreads, recounts }, correlationIdOfKafka(context));
  }

  @MessagePattern(RoomsPatterns.RoomSetFavorite)
  favorite(@Payload() command: CommandMessage<RoomFavoritePayload>): Promise<RoomView> {
    return this.rooms.setFavorite(command.actor, command.payload.roomId, command.payload.favorite);
  }

  @MessagePattern(RoomsPatterns.RoomSetSnooze)
  snooze(@Payload() command: CommandMessage<RoomSnoozePayload>): Promise<RoomView> {
    return this.rooms.setSnooze(command.actor, command.payload.roomId, command.payload.until);
  }
}
