import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, RequireScopes } from '@parley/auth';
import { M2mPatterns, RoomsPatterns, Scopes, type Actor, type ConversationMessageView, type M2mChanged, type M2mWriteResult } from '@parley/contracts';
import {
  ConversationMessageSchema,
  M2mBulkCreateBody,
  M2mCreateBody,
  M2mMessageSchemas,
  M2mQueryBody,
  M2mUpdateBody,
  M2mUpdateByIdListBody,
  M2mUpdateByQueryBody,
  M2mWriteResultSchema,
} from '@parley/contracts/http';
import { CommandClient } from '@parley/kafka';
import { CorrelationId } from '@parley/platform';
import { ApiErrors } from '../api-docs/api-errors.decorator.js';
import { M2M_MESSAGE_LINKS } from '../api-docs/api-links.js';
import { ApiIdParam, IdParamPipe } from '../http/id-param.pipe.js';
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from './idempotency-key.js';

/**
 * The listing conversation service's message endpoints, for back-end services of an account (scope
 * `conversation.m2m`), in the seed's paths, body shapes and field names.
 */
/** What a change of messages may not do; the same for one message and for many (all or nothing). */
const CHANGE_RULES =
  'All or nothing. 422 naming dataClause.readAt for a read time before a message was sent, in the future, or on a message left unread; ' +
  '409 naming dataClause.isActive for reactivating a message a user deleted for everyone. `modified` counts the messages that did change.';

@ApiTags('m2m')
@ApiBearerAuth()
@ApiErrors(401, 403, 503, 504)
@RequireScopes(Scopes.M2m)
@Controller('m2m/conversationmessage')
export class M2mMessagesController {
  constructor(private readonly commands: CommandClient) {}

  @Post('create')
  @ApiOperation({ summary: 'Create a listing message: { data: { conversationThreadId, senderId, receiverId, content } } (user ids are JWT subs)' })
  @ApiBody({ required: true, schema: M2mMessageSchemas.create })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiCreatedResponse({ description: 'The message', type: ConversationMessageSchema, links: M2M_MESSAGE_LINKS })
  @ApiErrors(400, 409, 413, 422)
  create(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Body() body: M2mCreateBody,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<ConversationMessageView> {
    const payload = { data: body.data, idempotencyKey: idempotencyKeyOf(idempotencyKey) };
    return this.commands.send(M2mPatterns.MessageCreate, actor, payload, { correlationId, key: String(body.data.conversationThreadId ?? actor.accountId) });
  }

  @Post('bulk-create')
  @ApiOperation({
    summary: 'Create listing messages all together or not at all: { dataList }',
    description: 'A 400 lists every malformed item; a 422 every item whose thread is not a listing thread of the account, or whose sender and receiver are not its two participants; 413 past M2M_BATCH_MAX.',
  })
  @ApiBody({ required: true, schema: M2mMessageSchemas.bulkCreate })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiCreatedResponse({ description: 'The messages, in the order given', type: [ConversationMessageSchema] })
  @ApiErrors(400, 409, 413, 422)
  bulkCreate(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Body() body: M2mBulkCreateBody,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<ConversationMessageView[]> {
    const payload = { dataList: body.dataList, idempotencyKey: idempotencyKeyOf(idempotencyKey) };
    return this.commands.send(M2mPatterns.MessageBulkCreate, actor, payload, { correlationId, key: actor.accountId });
  }

  @Post('update/:id')
  @HttpCode(200)
  @ApiIdParam('id', 'Message id')
  @ApiOperation({
    summary: 'Change isRead, readAt or isActive: { dataClause } (a constant field is a 400 naming it)',
    description: CHANGE_RULES,
  })
  @ApiBody({ required: true, schema: M2mMessageSchemas.update })
  @ApiOkResponse({ description: 'The message', type: ConversationMessageSchema, links: M2M_MESSAGE_LINKS })
  @ApiErrors(400, 404, 409, 413, 422)
  update(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Param('id', new IdParamPipe('id')) id: string,
    @Body() body: M2mUpdateBody,
  ): Promise<ConversationMessageView> {
    return this.withReadMarks(actor, correlationId, this.commands.send(M2mPatterns.MessageUpdate, actor, { id, dataClause: body.dataClause }, { correlationId, key: id }));
  }

  @Post('delete/:id')
  @HttpCode(200)
  @ApiIdParam('id', 'Message id')
  @ApiOperation({ summary: 'Soft-delete a listing message (isActive: false)' })
  @ApiOkResponse({ description: 'The message, isActive: false', type: ConversationMessageSchema })
  @ApiErrors(400, 404)
  remove(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Param('id', new IdParamPipe('id')) id: string): Promise<ConversationMessageView> {
    return this.commands.send(M2mPatterns.MessageDelete, actor, { id }, { correlationId, key: id });
  }

  @Post('update-by-query')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change the messages a query picks: { query, dataClause } (equality and $in on the message\'s own fields only)', description: CHANGE_RULES })
  @ApiBody({ required: true, schema: M2mMessageSchemas.updateByQuery })
  @ApiOkResponse({ description: 'What the write matched and changed', type: M2mWriteResultSchema })
  @ApiErrors(400, 409, 413, 422)
  updateByQuery(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Body() body: M2mUpdateByQueryBody): Promise<M2mWriteResult> {
    return this.withReadMarks(
      actor,
      correlationId,
      this.commands.send(M2mPatterns.MessageUpdateByQuery, actor, { query: body.query, dataClause: body.dataClause }, { correlationId, key: actor.accountId }),
    );
  }

  @Post('delete-by-query')
  @HttpCode(200)
  @ApiOperation({ summary: 'Soft-delete the messages a query picks: { query }' })
  @ApiBody({ required: true, schema: M2mMessageSchemas.deleteByQuery })
  @ApiOkResponse({ description: 'What the write matched and changed', type: M2mWriteResultSchema })
  @ApiErrors(400, 413)
  deleteByQuery(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Body() body: M2mQueryBody): Promise<M2mWriteResult> {
    return this.commands.send(M2mPatterns.MessageDeleteByQuery, actor, { query: body.query }, { correlationId, key: actor.accountId });
  }

  @Post('update-by-id-list')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change the messages of a list of ids: { idList, dataClause }', description: CHANGE_RULES })
  @ApiBody({ required: true, schema: M2mMessageSchemas.updateByIdList })
  @ApiOkResponse({ description: 'What the write matched and changed', type: M2mWriteResultSchema })
  @ApiErrors(400, 409, 413, 422)
  updateByIdList(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Body() body: M2mUpdateByIdListBody): Promise<M2mWriteResult> {
    return this.withReadMarks(
      actor,
      correlationId,
      this.commands.send(M2mPatterns.MessageUpdateByIdList, actor, { idList: body.idList, dataClause: body.dataClause }, { correlationId, key: actor.accountId }),
    );
  }

  /**
   * Answers once rooms has moved the readers' unread counts along the read marks a change set, as a
   * user's own read mark does. Applying one again changes nothing, so a client that lost the answer
   * and retries still gets the counts right.
   */
  private async withReadMarks<T>(actor: Actor, correlationId: string, changing: Promise<M2mChanged<T>>): Promise<T> {
    const { value, reads, unreads, recounts } = await changing;
    if (reads.length > 0 || unreads.length > 0 || recounts.length > 0) {
      const key = reads[0]?.room_id ?? unreads[0]?.room_id ?? recounts[0];
      await this.commands.send(RoomsPatterns.ServiceReads, actor, { reads, unreads, recounts }, { correlationId, key });
    }
    return value;
  }
}
