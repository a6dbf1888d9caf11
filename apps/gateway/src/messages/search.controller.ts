import { Controller, Get, Query, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, RequireScopes } from '@parley/auth';
import { MessagingPatterns, Scopes, type Actor, type MessageStateView, type Page } from '@parley/contracts';
import { MessageSchema, SearchMessagesQueryDto } from '@parley/contracts/http';
import { CommandClient } from '@parley/kafka';
import { CorrelationId } from '@parley/platform';
import { ApiErrors } from '../api-docs/api-errors.decorator.js';
import { ApiOkPage } from '../api-docs/api-page.decorator.js';
import { AttachmentLinksInterceptor } from './attachment-links.interceptor.js';

@ApiTags('messages')
@ApiBearerAuth()
@ApiErrors(401, 403, 503, 504)
@RequireScopes(Scopes.Conversation)
@UseInterceptors(AttachmentLinksInterceptor)
@Controller('v1/search')
export class SearchController {
  constructor(private readonly commands: CommandClient) {}

  @Get()
  @ApiOperation({
    summary: 'Search the messages of every room the caller belongs to, newest first',
    description: 'Each hit is a message with its `room_id`. Deleted messages never match. `before`/`after` cursors page as elsewhere; at most one of them (a 422 otherwise).',
  })
  @ApiOkPage(MessageSchema, 'A page of matching messages, newest first')
  @ApiErrors(400, 422)
  search(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Query() query: SearchMessagesQueryDto): Promise<Page<MessageStateView>> {
    return this.commands.send(MessagingPatterns.MessageSearch, actor, query, { correlationId, key: actor.userId });
  }
}
