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
  type ConversationThreadView,
  type M2mWriteResult,
} from '@parley/contracts';
import { CommandClient } from '@parley/kafka';
import { CorrelationId } from '@parley/platform';
import { IdParamPipe } from '../http/id-param.pipe.js';

/**
 * The listing conversation service's thread endpoints, for back-end services of an account (scope
 * `conversation.m2m`), in the seed's paths, body shapes and field names.
 */
@ApiTags('m2m')
@ApiBearerAuth()
@RequireScopes(Scopes.M2m)
@Controller('m2m/conversationthread')
export class M2mThreadsController {
  constructor(private readonly commands: CommandClient) {}

  @Post('create')
  @ApiOperation({
    summary: 'Create a listing thread: { data: { listingId, participantIds: [userId, userId] } } (or senderId and receiverId); 409 when the listing and pair have one',
  })
  create(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Body() body: M2mCreateBody): Promise<ConversationThreadView> {
    return this.commands.send(M2mPatterns.ThreadCreate, actor, { data: body.data }, { correlationId, key: String(body.data.listingId ?? actor.accountId) });
  }

  @Post('bulk-create')
  @ApiOperation({ summary: 'Create listing threads all together or not at all: { dataList } (400 lists every bad item; 413 past M2M_BATCH_MAX)' })
  bulkCreate(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Body() body: M2mBulkCreateBody): Promise<ConversationThreadView[]> {
    return this.commands.send(M2mPatterns.ThreadBulkCreate, actor, { dataList: body.dataList }, { correlationId, key: actor.accountId });
  }

  @Post('update/:id')
  @HttpCode(200)
  @ApiParam({ name: 'id', description: 'Thread id' })
  @ApiOperation({ summary: 'Activate or deactivate a thread: { dataClause: { isActive } } (a constant field is a 400 naming it)' })
  update(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) id: string,
    @Body() body: M2mUpdateBody,
  ): Promise<ConversationThreadView> {
    return this.commands.send(M2mPatterns.ThreadUpdate, actor, { id, dataClause: body.dataClause }, { correlationId, key: id });
  }

  @Post('delete/:id')
  @HttpCode(200)
  @ApiParam({ name: 'id', description: 'Thread id' })
  @ApiOperation({ summary: 'Soft-delete a listing thread (isActive: false)' })
  remove(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Param('id', new IdParamPipe('id')) id: string): Promise<ConversationThreadView> {
    return this.commands.send(M2mPatterns.ThreadDelete, actor, { id }, { correlationId, key: id });
  }

  @Post('update-by-query')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change the threads a query picks: { query, dataClause } (equality and $in on id, listingId, participantIds, isActive)' })
  updateByQuery(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Body() body: M2mUpdateByQueryBody): Promise<M2mWriteResult> {
    return this.commands.send(M2mPatterns.ThreadUpdateByQuery, actor, { query: body.query, dataClause: body.dataClause }, { correlationId, key: actor.accountId });
  }

  @Post('delete-by-query')
  @HttpCode(200)
  @ApiOperation({ summary: 'Soft-delete the threads a query picks: { query }' })
  deleteByQuery(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Body() body: M2mQueryBody): Promise<M2mWriteResult> {
    return this.commands.send(M2mPatterns.ThreadDeleteByQuery, actor, { query: body.query }, { correlationId, key: actor.accountId });
  }

  @Post('update-by-id-list')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change the threads of a list of ids: { idList, dataClause }' })
  updateByIdList(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Body() body: M2mUpdateByIdListBody): Promise<M2mWriteResult> {
    return this.commands.send(M2mPatterns.ThreadUpdateByIdList, actor, { idList: body.idList, dataClause: body.dataClause }, { correlationId, key: actor.accountId });
  }
}
