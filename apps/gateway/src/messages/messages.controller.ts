import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentActor, RequireScopes } from '@parley/auth';
import {
  CreateMessageDto,
  MessagingPatterns,
  PageQueryDto,
  Scopes,
  type Actor,
  type MessageCreateResult,
  type MessageView,
  type Page,
} from '@parley/contracts';
import { CommandClient } from '@parley/kafka';
import { CorrelationId } from '@parley/platform';
import { IdParamPipe } from '../http/id-param.pipe.js';

@ApiTags('messages')
@ApiBearerAuth()
@RequireScopes(Scopes.Conversation)
@Controller('v1')
export class MessagesController {
  constructor(private readonly commands: CommandClient) {}

  @Post('rooms/:id/messages')
  @ApiParam({ name: 'id', description: 'Room id' })
  @ApiOperation({
    summary: 'Send a message',
    description:
      'Idempotent on clientMessageId: a retry returns the first message with 201 and the header Idempotent-Replayed: true.',
  })
  @ApiCreatedResponse({ description: 'The stored message' })
  async create(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) roomId: string,
    @Body() body: CreateMessageDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<MessageView> {
    const result = await this.commands.send<MessageCreateResult>(
      MessagingPatterns.MessageCreate,
      actor,
      { roomId, ...body },
      { correlationId, key: roomId },
    );
    if (!result.created) response.setHeader('Idempotent-Replayed', 'true');
    response.status(201);
    return result.message;
  }

  @Get('rooms/:id/messages')
  @ApiParam({ name: 'id', description: 'Room id' })
  @ApiOperation({ summary: "A room's messages, newest first; `before`/`after` cursors page both ways" })
  list(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) roomId: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<MessageView>> {
    return this.commands.send(MessagingPatterns.MessageList, actor, { roomId, ...query }, { correlationId, key: roomId });
  }
}
