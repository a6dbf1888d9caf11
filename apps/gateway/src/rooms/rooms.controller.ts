import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
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
  CreateRoomDto,
  PageQueryDto,
  ReadRoomDto,
  RoomsPatterns,
  Scopes,
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
  @ApiOperation({ summary: 'Create a room; a direct room between two members is returned if it exists (200)' })
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
  list(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Query() query: PageQueryDto): Promise<Page<RoomView>> {
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
}
