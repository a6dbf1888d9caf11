import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RoomsPatterns, type CommandMessage, type ConversationView } from '@parley/contracts';
import { ConversationsRepository } from './conversations.repository.js';
import { toConversationView } from './conversation.view.js';

/** Conversation commands from the gateway. */
@Controller()
export class ConversationsHandler {
  constructor(private readonly conversations: ConversationsRepository) {}

  @MessagePattern(RoomsPatterns.ConversationEnsure)
  async ensure(@Payload() command: CommandMessage<Record<string, never>>): Promise<ConversationView> {
    const { accountId, userId } = command.actor;
    return toConversationView(await this.conversations.ensure(accountId, userId));
  }
}
