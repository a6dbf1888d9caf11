import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, RequireScopes } from '@parley/auth';
import { ContentPolicyDto, MessagingPatterns, Scopes, type Actor, type ContentPolicyView } from '@parley/contracts';
import { CommandClient } from '@parley/kafka';
import { CorrelationId } from '@parley/platform';

@ApiTags('accounts')
@ApiBearerAuth()
@RequireScopes(Scopes.Conversation)
@Controller('v1/accounts/me')
export class AccountsController {
  constructor(private readonly commands: CommandClient) {}

  @Get('content-policy')
  @ApiOperation({ summary: "The account's content policy for listing messages (phone numbers, email addresses, links)" })
  contentPolicy(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string): Promise<ContentPolicyView> {
    return this.commands.send(MessagingPatterns.ContentPolicyGet, actor, {}, { correlationId, key: actor.accountId });
  }

  @Put('content-policy')
  @RequireScopes(Scopes.Conversation, Scopes.Admin)
  @ApiOperation({
    summary: 'Set what listing messages may carry (admins): allow, mask (stored and shown masked) or refuse (422) each kind',
    description: 'Kinds left out keep their rule. A masked message says what was masked in `policy.masked`.',
  })
  @ApiOkResponse({ description: 'The policy now' })
  setContentPolicy(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Body() body: ContentPolicyDto): Promise<ContentPolicyView> {
    return this.commands.send(MessagingPatterns.ContentPolicySet, actor, body, { correlationId, key: actor.accountId });
  }
}
