import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentActor, RequireScopes } from '@parley/auth';
import { AppError, RoomsPatterns, Scopes, type Actor, type Page, type RoomView } from '@parley/contracts';
import {
  AddMembersDto,
  CREATE_ROOM_SCHEMA,
  SNOOZE_ROOM_SCHEMA,
  CreateRoomDto,
  ListRoomsQueryDto,
  MarkUnreadRoomDto,
  ReadRoomDto,
  RoomSchema,
  SnoozeRoomDto,
  UpdateRoomDto,
} from '@parley/contracts/http';
import { CommandClient } from '@parley/kafka';
import { CorrelationId } from '@parley/platform';
import { ApiErrors } from '../api-docs/api-errors.decorator.js';
import { ApiOkPage } from '../api-docs/api-page.decorator.js';
import { ROOM_LINKS } from '../api-docs/api-links.js';
import { ApiIdParam, IdParamPipe } from '../http/id-param.pipe.js';

@ApiTags('rooms')
@ApiBearerAuth()
@ApiErrors(401, 403, 503, 504)
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
  @ApiBody({ required: true, schema: CREATE_ROOM_SCHEMA })
  @ApiCreatedResponse({ description: 'The room was created', type: RoomSchema, links: ROOM_LINKS })
  @ApiOkResponse({ description: 'The direct or listing room of the pair already existed', type: RoomSchema, links: ROOM_LINKS })
  @ApiErrors(400, 409, 413, 422)
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
  @ApiOkPage(RoomSchema, 'A page of rooms, most recent activity first')
  @ApiErrors(400, 422)
  list(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Query() query: ListRoomsQueryDto): Promise<Page<RoomView>> {
    return this.commands.send(RoomsPatterns.RoomList, actor, query, { correlationId, key: actor.userId });
  }

  @Get(':id')
  @ApiIdParam('id', 'Room id')
  @ApiOperation({ summary: 'A room the caller is a member of (a support room: also its inbox team)' })
  @ApiOkResponse({ description: 'The room', type: RoomSchema, links: ROOM_LINKS })
  @ApiErrors(400, 404)
  get(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) roomId: string,
  ): Promise<RoomView> {
    return this.commands.send(RoomsPatterns.RoomGet, actor, { roomId }, { correlationId, key: roomId });
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiIdParam('id', 'Room id')
  @ApiOperation({ summary: 'Mark the room read up to a message; the other members get a read receipt' })
  @ApiOkResponse({ description: 'The room, its unread count now', type: RoomSchema })
  @ApiErrors(400, 404, 413, 422)
  read(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) roomId: string,
    @Body() body: ReadRoomDto,
  ): Promise<RoomView> {
    return this.commands.send(RoomsPatterns.RoomRead, actor, { roomId, messageId: body.messageId }, { correlationId, key: roomId });
  }

  @Post(':id/unread')
  @HttpCode(200)
  @ApiIdParam('id', 'Room id')
  @ApiOperation({
    summary: 'Mark the room unread from a message on, for the caller',
    description:
      "The caller's unread and mention counts are taken again from that message (theirs do not count), and their other devices get room_updated. " +
      'The read receipt the other members saw stays until the caller reads past it. A message the caller has not read yet changes nothing. ' +
      'A listing room is a 409: the marketplace sets its read state (the m2m endpoints).',
  })
  @ApiOkResponse({ description: 'The room, its unread count now', type: RoomSchema })
  @ApiErrors(400, 403, 404, 409, 413, 422)
  markUnread(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) roomId: string,
    @Body() body: MarkUnreadRoomDto,
  ): Promise<RoomView> {
    return this.commands.send(RoomsPatterns.RoomMarkUnread, actor, { roomId, messageId: body.messageId }, { correlationId, key: roomId });
  }

  @Patch(':id')
  @RequireScopes(Scopes.Conversation, Scopes.Admin)
  @ApiIdParam('id', 'Room id')
  @ApiOperation({ summary: 'Rename a channel (admins); 409 for a room that is not a channel, or a name taken' })
  @ApiOkResponse({ description: 'The channel', type: RoomSchema, links: ROOM_LINKS })
  @ApiErrors(400, 404, 409, 413, 422)
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
  @ApiIdParam('id', 'Room id')
  @ApiOperation({ summary: 'Delete a channel (admins); its messages are kept; 409 for a room that is not a channel' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 404, 409)
  async remove(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) roomId: string,
  ): Promise<void> {
    await this.commands.send(RoomsPatterns.RoomDelete, actor, { roomId }, { correlationId, key: roomId });
  }

  @Post(':id/members')
  @HttpCode(200)
  @ApiIdParam('id', 'Room id')
  @ApiOperation({ summary: 'Add members to a channel (members and admins); 409 for a room that is not a channel' })
  @ApiOkResponse({ description: 'The channel', type: RoomSchema })
  @ApiErrors(400, 404, 409, 413, 422)
  addMembers(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) roomId: string,
    @Body() body: AddMembersDto,
  ): Promise<RoomView> {
    return this.commands.send(RoomsPatterns.RoomAddMembers, actor, { roomId, members: body.members }, { correlationId, key: roomId });
  }

  @Delete(':id/members/:conversationId')
  @ApiIdParam('id', 'Room id')
  @ApiIdParam('conversationId', 'Conversation id of the member')
  @ApiOperation({ summary: 'Remove a member from a channel (admins; anyone may leave); 409 for a room that is not a channel, or for its last member' })
  @ApiOkResponse({ description: 'The channel', type: RoomSchema })
  @ApiErrors(400, 404, 409)
  removeMember(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) roomId: string,
    @Param('conversationId', new IdParamPipe('conversationId')) conversationId: string,
  ): Promise<RoomView> {
    return this.commands.send(RoomsPatterns.RoomRemoveMember, actor, { roomId, conversationId }, { correlationId, key: roomId });
  }

  @Put(':id/favorite')
  @ApiIdParam('id', 'Room id')
  @ApiOperation({ summary: 'Favorite the room (for the caller)' })
  @ApiOkResponse({ description: 'The room', type: RoomSchema })
  @ApiErrors(400, 404)
  favorite(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Param('id', new IdParamPipe('id')) roomId: string): Promise<RoomView> {
    return this.commands.send(RoomsPatterns.RoomSetFavorite, actor, { roomId, favorite: true }, { correlationId, key: roomId });
  }

  @Delete(':id/favorite')
  @ApiIdParam('id', 'Room id')
  @ApiOperation({ summary: 'Unfavorite the room (for the caller)' })
  @ApiOkResponse({ description: 'The room', type: RoomSchema })
  @ApiErrors(400, 404)
  unfavorite(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Param('id', new IdParamPipe('id')) roomId: string): Promise<RoomView> {
    return this.commands.send(RoomsPatterns.RoomSetFavorite, actor, { roomId, favorite: false }, { correlationId, key: roomId });
  }

  @Put(':id/snooze')
  @ApiIdParam('id', 'Room id')
  @ApiOperation({ summary: 'Snooze the room for the caller: pushes say snoozed: true until then; unread still counts. A time already past is a 422' })
  @ApiBody({ required: true, schema: SNOOZE_ROOM_SCHEMA })
  @ApiOkResponse({ description: 'The room', type: RoomSchema })
  @ApiErrors(400, 404, 413, 422)
  snooze(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) roomId: string,
    @Body() body: SnoozeRoomDto,
  ): Promise<RoomView> {
    // One of the two, as the document's oneOf says: neither is a lost or misspelt field, both an ambiguity.
    if (body.duration_minutes === undefined && body.until === undefined) throw AppError.badRequest('duration_minutes', 'duration_minutes or until is required');
    if (body.duration_minutes !== undefined && body.until !== undefined) throw AppError.badRequest('until', 'give duration_minutes or until, not both');
    const until = body.until ?? new Date(Date.now() + (body.duration_minutes as number) * 60_000).toISOString();
    return this.commands.send(RoomsPatterns.RoomSetSnooze, actor, { roomId, until }, { correlationId, key: roomId });
  }

  @Delete(':id/snooze')
  @ApiIdParam('id', 'Room id')
  @ApiOperation({ summary: 'End the snooze now' })
  @ApiOkResponse({ description: 'The room', type: RoomSchema })
  @ApiErrors(400, 404)
  unsnooze(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Param('id', new IdParamPipe('id')) roomId: string): Promise<RoomView> {
    return this.commands.send(RoomsPatterns.RoomSetSnooze, actor, { roomId, until: null }, { correlationId, key: roomId });
  }
}
