import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, RequireScopes } from '@parley/auth';
import { RoomsPatterns, Scopes, type Actor, type ConversationView } from '@parley/contracts';
import { CommandClient } from '@parley/kafka';
import { CorrelationId } from '@parley/platform';

@ApiTags('conversations')
@ApiBearerAuth()
@RequireScopes(Scopes.Conversation)
@Controller('v1/conversations')
export class ConversationsController {
  constructor(private readonly commands: CommandClient) {}

  @Get('me')
  @ApiOperation({ summary: "The caller's conversation, created on first use" })
  @ApiOkResponse({ description: 'The conversation' })
  me(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string): Promise<ConversationView> {
    return this.commands.send(RoomsPatterns.ConversationEnsure, actor, {}, { correlationId, key: actor.userId });
  }
}
