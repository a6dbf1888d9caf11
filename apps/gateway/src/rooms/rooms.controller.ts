import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentActor, RequireScopes } from '@parley/auth';
import {
  AddMembersDto,
  CreateRoomDto,
  ListRoomsQueryDto,
  ReadRoomDto,
  RoomsPatterns,
  Scopes,
  SnoozeRoomDto,
  UpdateRoomDto,
  type Actor,
  type Page,
  type RoomView,
} from '@parley/contracts';
import { CommandClient } from '@parley/kafka';
import { CorrelationId } from '@parley/platform';
import { IdParamPipe } from '../http/id-param.pipe.js';

@ApiTags('rooms')
@ApiBearerAuth()
@RequireScopes(Scopes.Conversation)
@Controller('v1/rooms')
export class RoomsController {
  constructor(private readonly commands: CommandClient) {}

  @Post()
  @ApiOperation({
    summary: 'Create a room',
    description:
      'direct: with one member, returned (200) if the pair has one; listing: the same per listing_id; channel: a name and members, admins only (409 on a name clash).',
  })
  @ApiCreatedResponse({ description: 'The room was created' })
  @ApiOkResponse({ description: 'The direct room already existed' })
  async create(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Body() body: CreateRoomDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RoomView> {
    const result = await this.commands.send<{ created: boolean; room: RoomView }>(RoomsPatterns.RoomCreate, actor, body, {
      correlationId,
      key: actor.userId,
    });
    response.status(result.created ? 201 : 200);
    return result.room;
  }

  @Get()
  @ApiOperation({ summary: "The caller's rooms, most recent activity first" })
  list(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Query() query: ListRoomsQueryDto): Promise<Page<RoomView>> {
    return this.commands.send(RoomsPatterns.RoomList, actor, query, { correlationId, key: actor.userId });
  }

  @Get(':id')
  @ApiParam({ name: 'id', description: 'Room id' })
  get(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) roomId: string,
  ): Promise<RoomView> {
    return this.commands.send(RoomsPatterns.RoomGet, actor, { roomId }, { correlationId, key: roomId });
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark the room read up to a message; the other members get a read receipt' })
  read(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) roomId: string,
    @Body() body: ReadRoomDto,
  ): Promise<RoomView> {
    return this.commands.send(RoomsPatterns.RoomRead, actor, { roomId, messageId: body.messageId }, { correlationId, key: roomId });
  }

  @Patch(':id')
  @RequireScopes(Scopes.Conversation, Scopes.Admin)
  @ApiOperation({ summary: 'Rename a channel (admins)' })
  rename(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) roomId: string,
    @Body() body: UpdateRoomDto,
  ): Promise<RoomView> {
    return this.commands.send(RoomsPatterns.RoomUpdate, actor, { roomId, name: body.name }, { correlationId, key: roomId });
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes(Scopes.Conversation, Scopes.Admin)
  @ApiOperation({ summary: 'Delete a channel (admins); its messages are kept' })
  async remove(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) roomId: string,
  ): Promise<void> {
    await this.commands.send(RoomsPatterns.RoomDelete, actor, { roomId }, { correlationId, key: roomId });
  }

  @Post(':id/members')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add members to a channel (members and admins)' })
  addMembers(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) roomId: string,
    @Body() body: AddMembersDto,
  ): Promise<RoomView> {
    return this.commands.send(RoomsPatterns.RoomAddMembers, actor, { roomId, members: body.members }, { correlationId, key: roomId });
  }

  @Delete(':id/members/:conversationId')
  @ApiOperation({ summary: 'Remove a member from a channel (admins; anyone may leave)' })
  removeMember(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) roomId: string,
    @Param('conversationId', new IdParamPipe('conversationId')) conversationId: string,
  ): Promise<RoomView> {
    return this.commands.send(RoomsPatterns.RoomRemoveMember, actor, { roomId, conversationId }, { correlationId, key: roomId });
  }

  @Put(':id/favorite')
  @ApiOperation({ summary: 'Favorite the room (for the caller)' })
  favorite(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Param('id', new IdParamPipe('id')) roomId: string): Promise<RoomView> {
    return this.commands.send(RoomsPatterns.RoomSetFavorite, actor, { roomId, favorite: true }, { correlationId, key: roomId });
  }

  @Delete(':id/favorite')
  @ApiOperation({ summary: 'Unfavorite the room (for the caller)' })
  unfavorite(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Param('id', new IdParamPipe('id')) roomId: string): Promise<RoomView> {
    return this.commands.send(RoomsPatterns.RoomSetFavorite, actor, { roomId, favorite: false }, { correlationId, key: roomId });
  }

  @Put(':id/snooze')
  @ApiOperation({ summary: 'Snooze the room for the caller: pushes say snoozed: true until then; unread still counts' })
  snooze(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) roomId: string,
    @Body() body: SnoozeRoomDto,
  ): Promise<RoomView> {
    const until = body.until ?? new Date(Date.now() + (body.duration_minutes ?? 0) * 60_000).toISOString();
    return this.commands.send(RoomsPatterns.RoomSetSnooze, actor, { roomId, until }, { correlationId, key: roomId });
  }

  @Delete(':id/snooze')
  @ApiOperation({ summary: 'End the snooze now' })
  unsnooze(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Param('id', new IdParamPipe('id')) roomId: string): Promise<RoomView> {
    return this.commands.send(RoomsPatterns.RoomSetSnooze, actor, { roomId, until: null }, { correlationId, key: roomId });
  }
}
