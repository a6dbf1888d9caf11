import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentActor, RequireScopes } from '@parley/auth';
import {
  M2mBulkCreateBody,
  M2mCreateBody,
  M2mPatterns,
  M2mQueryBody,
  M2mUpdateBody,
  M2mUpdateByIdListBody,
  M2mUpdateByQueryBody,
  Scopes,
  type Actor,
  type ConversationMessageView,
  type M2mWriteResult,
} from '@parley/contracts';
import { CommandClient } from '@parley/kafka';
import { CorrelationId } from '@parley/platform';
import { IdParamPipe } from '../http/id-param.pipe.js';

/**
 * The listing conversation service's message endpoints, for back-end services of an account (scope
 * `conversation.m2m`), in the seed's paths, body shapes and field names.
 */
@ApiTags('m2m')
@ApiBearerAuth()
@RequireScopes(Scopes.M2m)
@Controller('m2m/conversationmessage')
export class M2mMessagesController {
  constructor(private readonly commands: CommandClient) {}

  @Post('create')
  @ApiOperation({ summary: 'Create a listing message: { data: { conversationThreadId, senderId, receiverId, content } } (user ids are JWT subs)' })
  create(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Body() body: M2mCreateBody): Promise<ConversationMessageView> {
    return this.commands.send(M2mPatterns.MessageCreate, actor, { data: body.data }, { correlationId, key: String(body.data.conversationThreadId ?? actor.accountId) });
  }

  @Post('bulk-create')
  @ApiOperation({ summary: 'Create listing messages all together or not at all: { dataList } (400 lists every bad item; 413 past M2M_BATCH_MAX)' })
  bulkCreate(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Body() body: M2mBulkCreateBody): Promise<ConversationMessageView[]> {
    return this.commands.send(M2mPatterns.MessageBulkCreate, actor, { dataList: body.dataList }, { correlationId, key: actor.accountId });
  }

  @Post('update/:id')
  @HttpCode(200)
  @ApiParam({ name: 'id', description: 'Message id' })
  @ApiOperation({ summary: 'Change isRead, readAt or isActive: { dataClause } (a constant field is a 400 naming it)' })
  update(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) id: string,
    @Body() body: M2mUpdateBody,
  ): Promise<ConversationMessageView> {
    return this.commands.send(M2mPatterns.MessageUpdate, actor, { id, dataClause: body.dataClause }, { correlationId, key: id });
  }

  @Post('delete/:id')
  @HttpCode(200)
  @ApiParam({ name: 'id', description: 'Message id' })
  @ApiOperation({ summary: 'Soft-delete a listing message (isActive: false)' })
  remove(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Param('id', new IdParamPipe('id')) id: string): Promise<ConversationMessageView> {
    return this.commands.send(M2mPatterns.MessageDelete, actor, { id }, { correlationId, key: id });
  }

  @Post('update-by-query')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change the messages a query picks: { query, dataClause } (equality and $in on the message\'s own fields only)' })
  updateByQuery(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Body() body: M2mUpdateByQueryBody): Promise<M2mWriteResult> {
    return this.commands.send(M2mPatterns.MessageUpdateByQuery, actor, { query: body.query, dataClause: body.dataClause }, { correlationId, key: actor.accountId });
  }

  @Post('delete-by-query')
  @HttpCode(200)
  @ApiOperation({ summary: 'Soft-delete the messages a query picks: { query }' })
  deleteByQuery(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Body() body: M2mQueryBody): Promise<M2mWriteResult> {
    return this.commands.send(M2mPatterns.MessageDeleteByQuery, actor, { query: body.query }, { correlationId, key: actor.accountId });
  }

  @Post('update-by-id-list')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change the messages of a list of ids: { idList, dataClause }' })
  updateByIdList(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Body() body: M2mUpdateByIdListBody): Promise<M2mWriteResult> {
    return this.commands.send(M2mPatterns.MessageUpdateByIdList, actor, { idList: body.idList, dataClause: body.dataClause }, { correlationId, key: actor.accountId });
  }
}
