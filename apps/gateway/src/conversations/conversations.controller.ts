import { Body, Controller, Get, Patch, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, RequireScopes } from '@parley/auth';
import {
  ListConversationsQueryDto,
  RoomsPatterns,
  Scopes,
  SetStatusDto,
  UpdateConversationDto,
  type Actor,
  type ConversationView,
  type Page,
} from '@parley/contracts';
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
  me(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string): Promise<ConversationView> {
    return this.commands.send(RoomsPatterns.ConversationEnsure, actor, {}, { correlationId, key: actor.userId });
  }

  @Patch('me')
  @ApiOperation({ summary: 'Where inbound SMS and email land by default: at most one conversation per account each' })
  update(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Body() body: UpdateConversationDto): Promise<ConversationView> {
    return this.commands.send(RoomsPatterns.ConversationUpdate, actor, body, { correlationId, key: actor.accountId });
  }

  @Put('me/status')
  @ApiOperation({ summary: 'Set online or offline; kept in the history, pushed to the team as status_changed' })
  setStatus(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Body() body: SetStatusDto): Promise<ConversationView> {
    return this.commands.send(RoomsPatterns.ConversationSetStatus, actor, body, { correlationId, key: actor.userId });
  }

  @Get()
  @ApiOperation({ summary: "The account's team with names; filter by status, search by name" })
  list(@CurrentActor() actor: Actor, @CorrelationId() correlationId: string, @Query() query: ListConversationsQueryDto): Promise<Page<ConversationView>> {
    return this.commands.send(RoomsPatterns.ConversationList, actor, query, { correlationId, key: actor.accountId });
  }
}
