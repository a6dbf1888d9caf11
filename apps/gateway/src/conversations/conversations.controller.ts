import { Body, Controller, Get, Patch, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, RequireScopes } from '@parley/auth';
import { RoomsPatterns, Scopes, type Actor, type ConversationView, type Page } from '@parley/contracts';
import { ConversationSchema, ListConversationsQueryDto, SetStatusDto, UpdateConversationDto } from '@parley/contracts/http';
import { CommandClient } from '@parley/kafka';
import { CorrelationId } from '@parley/platform';
import { ApiErrors } from '../api-docs/api-errors.decorator.js';
import { ApiOkPage } from '../api-docs/api-page.decorator.js';
import { CONVERSATION_LINKS } from '../api-docs/api-links.js';
import { NonEmptyBody } from '../http/non-empty-body.js';

@ApiTags('conversations')
@ApiBearerAuth()
@ApiErrors(401, 403, 503, 504)
@RequireScopes(Scopes.Conversation)
@Controller('v1/conversations')
export class ConversationsController {
  constructor(private readonly commands: CommandClient) {}

  @Get('me')
  @ApiOperation({ summary: "The caller's conversation, created on first use" })
  @ApiOkResponse({ description: 'The conversation', type: ConversationSchema, links: CONVERSATION_LINKS })
  me(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string): Promise<ConversationView> {
    return this.commands.send(RoomsPatterns.ConversationEnsure, actor, {}, { correlationId, key: actor.userId });
  }

  @Patch('me')
  // Customers' SMS and email to numbers no inbox owns land here: a support agent's call, not any user's.
  @RequireScopes(Scopes.Support)
  @ApiOperation({
    summary: 'Where inbound SMS and email land by default: at most one conversation per account each',
    description: 'Scope `conversation.support`. Each field is optional; a body that sets none (or no body) is a 400 naming `body`.',
  })
  @NonEmptyBody(UpdateConversationDto)
  @ApiOkResponse({ description: 'The conversation', type: ConversationSchema })
  @ApiErrors(400, 403, 404, 413)
  update(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Body() body: UpdateConversationDto): Promise<ConversationView> {
    return this.commands.send(RoomsPatterns.ConversationUpdate, actor, body, { correlationId, key: actor.accountId });
  }

  @Put('me/status')
  @ApiOperation({ summary: 'Set online or offline; kept in the history, pushed to the team as status_changed' })
  @ApiOkResponse({ description: 'The conversation', type: ConversationSchema })
  @ApiErrors(400, 404, 413)
  setStatus(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Body() body: SetStatusDto): Promise<ConversationView> {
    return this.commands.send(RoomsPatterns.ConversationSetStatus, actor, body, { correlationId, key: actor.userId });
  }

  @Get()
  @ApiOperation({ summary: "The account's team with names; filter by status, search by name" })
  @ApiOkPage(ConversationSchema, 'A page of the team, in the order they first used the chat')
  @ApiErrors(400, 422)
  list(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Query() query: ListConversationsQueryDto): Promise<Page<ConversationView>> {
    return this.commands.send(RoomsPatterns.ConversationList, actor, query, { correlationId, key: actor.accountId });
  }
}
