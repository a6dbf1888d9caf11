import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, RequireScopes } from '@parley/auth';
import { MessagingPatterns, Scopes, type Actor, type ContentPolicyView } from '@parley/contracts';
import { ContentPolicyDto, ContentPolicySchema } from '@parley/contracts/http';
import { CommandClient } from '@parley/kafka';
import { CorrelationId } from '@parley/platform';
import { ApiErrors } from '../api-docs/api-errors.decorator.js';
import { NonEmptyBody } from '../http/non-empty-body.js';

@ApiTags('accounts')
@ApiBearerAuth()
@ApiErrors(401, 403, 503, 504)
@RequireScopes(Scopes.Conversation)
@Controller('v1/accounts/me')
export class AccountsController {
  constructor(private readonly commands: CommandClient) {}

  @Get('content-policy')
  @ApiOperation({ summary: "The account's content policy for listing messages (phone numbers, email addresses, links)" })
  @ApiOkResponse({ description: 'The policy', type: ContentPolicySchema })
  contentPolicy(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string): Promise<ContentPolicyView> {
    return this.commands.send(MessagingPatterns.ContentPolicyGet, actor, {}, { correlationId, key: actor.accountId });
  }

  @Put('content-policy')
  @RequireScopes(Scopes.Conversation, Scopes.Admin)
  @ApiOperation({
    summary: 'Set what listing messages may carry (admins): allow, mask (stored and shown masked) or refuse (422) each kind',
    description: 'Kinds left out keep their rule; a body that sets none (or no body) is a 400 naming `body`. A masked message says what was masked in `policy.masked`.',
  })
  @NonEmptyBody(ContentPolicyDto)
  @ApiOkResponse({ description: 'The policy now', type: ContentPolicySchema })
  @ApiErrors(400, 413)
  setContentPolicy(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Body() body: ContentPolicyDto): Promise<ContentPolicyView> {
    return this.commands.send(MessagingPatterns.ContentPolicySet, actor, body, { correlationId, key: actor.accountId });
  }
}
