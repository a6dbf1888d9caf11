import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, RequireScopes } from '@parley/auth';
import { M2mPatterns, Scopes, type Actor, type ConversationThreadView, type M2mWriteResult } from '@parley/contracts';
import {
  ConversationThreadSchema,
  M2mBulkCreateBody,
  M2mCreateBody,
  M2mQueryBody,
  M2mThreadSchemas,
  M2mUpdateBody,
  M2mUpdateByIdListBody,
  M2mUpdateByQueryBody,
  M2mWriteResultSchema,
} from '@parley/contracts/http';
import { CommandClient } from '@parley/kafka';
import { CorrelationId } from '@parley/platform';
import { ApiErrors } from '../api-docs/api-errors.decorator.js';
import { M2M_THREAD_LINKS } from '../api-docs/api-links.js';
import { ApiIdParam, IdParamPipe } from '../http/id-param.pipe.js';

/**
 * The listing conversation service's thread endpoints, for back-end services of an account (scope
 * `conversation.m2m`), in the seed's paths, body shapes and field names.
 */
@ApiTags('m2m')
@ApiBearerAuth()
@ApiErrors(401, 403, 503, 504)
@RequireScopes(Scopes.M2m)
@Controller('m2m/conversationthread')
export class M2mThreadsController {
  constructor(private readonly commands: CommandClient) {}

  @Post('create')
  @ApiOperation({
    summary: 'Create a listing thread: { data: { listingId, participantIds: [userId, userId] } } (or senderId and receiverId); 409 when the listing and pair have one',
  })
  @ApiBody({ required: true, schema: M2mThreadSchemas.create })
  @ApiCreatedResponse({ description: 'The thread', type: ConversationThreadSchema, links: M2M_THREAD_LINKS })
  @ApiErrors(400, 409, 413, 422)
  create(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Body() body: M2mCreateBody): Promise<ConversationThreadView> {
    return this.commands.send(M2mPatterns.ThreadCreate, actor, { data: body.data }, { correlationId, key: String(body.data.listingId ?? actor.accountId) });
  }

  @Post('bulk-create')
  @ApiOperation({
    summary: 'Create listing threads all together or not at all: { dataList }',
    description: 'A 400 lists every malformed item; a 422 every item naming one user twice; a 409 every thread that exists already; 413 past M2M_BATCH_MAX.',
  })
  @ApiBody({ required: true, schema: M2mThreadSchemas.bulkCreate })
  @ApiCreatedResponse({ description: 'The threads, in the order given', type: [ConversationThreadSchema] })
  @ApiErrors(400, 409, 413, 422)
  bulkCreate(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Body() body: M2mBulkCreateBody): Promise<ConversationThreadView[]> {
    return this.commands.send(M2mPatterns.ThreadBulkCreate, actor, { dataList: body.dataList }, { correlationId, key: actor.accountId });
  }

  @Post('update/:id')
  @HttpCode(200)
  @ApiIdParam('id', 'Thread id')
  @ApiOperation({ summary: 'Activate or deactivate a thread: { dataClause: { isActive } } (a constant field is a 400 naming it)' })
  @ApiBody({ required: true, schema: M2mThreadSchemas.update })
  @ApiOkResponse({ description: 'The thread', type: ConversationThreadSchema, links: M2M_THREAD_LINKS })
  @ApiErrors(400, 404, 413)
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
  @ApiIdParam('id', 'Thread id')
  @ApiOperation({ summary: 'Soft-delete a listing thread (isActive: false)' })
  @ApiOkResponse({ description: 'The thread, isActive: false', type: ConversationThreadSchema })
  @ApiErrors(400, 404)
  remove(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Param('id', new IdParamPipe('id')) id: string): Promise<ConversationThreadView> {
    return this.commands.send(M2mPatterns.ThreadDelete, actor, { id }, { correlationId, key: id });
  }

  @Post('update-by-query')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change the threads a query picks: { query, dataClause } (equality and $in on id, listingId, participantIds, isActive)' })
  @ApiBody({ required: true, schema: M2mThreadSchemas.updateByQuery })
  @ApiOkResponse({ description: 'What the write matched and changed', type: M2mWriteResultSchema })
  @ApiErrors(400, 413)
  updateByQuery(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Body() body: M2mUpdateByQueryBody): Promise<M2mWriteResult> {
    return this.commands.send(M2mPatterns.ThreadUpdateByQuery, actor, { query: body.query, dataClause: body.dataClause }, { correlationId, key: actor.accountId });
  }

  @Post('delete-by-query')
  @HttpCode(200)
  @ApiOperation({ summary: 'Soft-delete the threads a query picks: { query }' })
  @ApiBody({ required: true, schema: M2mThreadSchemas.deleteByQuery })
  @ApiOkResponse({ description: 'What the write matched and changed', type: M2mWriteResultSchema })
  @ApiErrors(400, 413)
  deleteByQuery(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Body() body: M2mQueryBody): Promise<M2mWriteResult> {
    return this.commands.send(M2mPatterns.ThreadDeleteByQuery, actor, { query: body.query }, { correlationId, key: actor.accountId });
  }

  @Post('update-by-id-list')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change the threads of a list of ids: { idList, dataClause }' })
  @ApiBody({ required: true, schema: M2mThreadSchemas.updateByIdList })
  @ApiOkResponse({ description: 'What the write matched and changed', type: M2mWriteResultSchema })
  @ApiErrors(400, 413)
  updateByIdList(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Body() body: M2mUpdateByIdListBody): Promise<M2mWriteResult> {
    return this.commands.send(M2mPatterns.ThreadUpdateByIdList, actor, { idList: body.idList, dataClause: body.dataClause }, { correlationId, key: actor.accountId });
  }
}
