import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, RequireScopes } from '@parley/auth';
import { DeadLetterPatterns, Scopes, type Actor, type DeadLetterView, type Page } from '@parley/contracts';
import { ListDeadLettersQueryDto } from '@parley/contracts/http';
import { CommandClient } from '@parley/kafka';
import { CorrelationId } from '@parley/platform';
import { ApiErrors } from '../api-docs/api-errors.decorator.js';
import { ApiIdParam, IdParamPipe } from '../http/id-param.pipe.js';

/**
 * Events a consumer gave up on, for an account's operators to see and replay once the cause is
 * fixed. outbound-delivery keeps every app's dead letters; the gateway asks it.
 */
@ApiTags('operations')
@ApiBearerAuth()
@ApiErrors(401, 403, 503, 504)
@RequireScopes(Scopes.Admin)
@Controller('admin/dead-letters')
export class DeadLettersController {
  constructor(private readonly commands: CommandClient) {}

  @Get()
  @ApiOperation({
    summary: "The account's dead letters, newest first (admins)",
    description:
      'Each is an event a consumer gave up on after its retries: its topic, partition and offset, key, headers, the event itself, the consumer and app that failed it, the error, when, and whether it was replayed.',
  })
  @ApiOkResponse({ description: '{ data: dead letters, next, previous }' })
  @ApiErrors(400, 422)
  list(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Query() query: ListDeadLettersQueryDto): Promise<Page<DeadLetterView>> {
    return this.commands.send(DeadLetterPatterns.List, actor, query, { correlationId, key: actor.accountId });
  }

  @Post(':id/replay')
  @HttpCode(200)
  @ApiIdParam('id', 'Dead letter id')
  @ApiOperation({
    summary: 'Replay a dead letter (admins): its event goes again to the consumer that failed it',
    description:
      'The same event (same id) is published again to its topic, for that consumer only, which applies it at most once. Idempotent: a dead letter replayed already is answered as it stands (200) and not published again. If the replay fails too, the event is parked again as a new dead letter.',
  })
  @ApiOkResponse({ description: 'The dead letter, with who replayed it and when' })
  @ApiErrors(400, 404)
  replay(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Param('id', new IdParamPipe('id')) deadLetterId: string): Promise<DeadLetterView> {
    return this.commands.send(DeadLetterPatterns.Replay, actor, { deadLetterId }, { correlationId, key: deadLetterId });
  }
}
