import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, MessagePattern, Payload } from '@nestjs/microservices';
import {
  MessagingPatterns,
  type CommandMessage,
  type MessageCreatePayload,
  type MessageCreateResult,
  type MessageDeletePayload,
  type MessageFromContactPayload,
  type MessageHistoryView,
  type MessageRefPayload,
  type MessageListPayload,
  type MessageSearchPayload,
  type MentionListPayload,
  type MessageStateView,
  type MessageUpdatePayload,
  type Page,
} from '@parley/contracts';
import { commandIdOf, CONCURRENT_PER_KEY } from '@parley/kafka';
import { correlationIdOfKafka } from '@parley/platform';
import { MessagesService } from './messages.service.js';

/** Message commands and queries from the gateway. */
@Controller()
export class MessagesHandler {
  constructor(private readonly messages: MessagesService) {}

  // Sends to one room are taken together by the group commit (sequence numbers handed out in order).
  @MessagePattern(MessagingPatterns.MessageCreate, CONCURRENT_PER_KEY)
  create(@Payload() command: CommandMessage<MessageCreatePayload>, @Ctx() context: KafkaContext): Promise<MessageCreateResult> {
    return this.messages.create(command.actor, command.payload, correlationIdOfKafka(context), commandIdOf(context));
  }

  @MessagePattern(MessagingPatterns.MessageCreateFromContact)
  createFromContact(@Payload() command: CommandMessage<MessageFromContactPayload>, @Ctx() context: KafkaContext): Promise<MessageCreateResult> {
    return this.messages.createFromContact(command.actor, command.payload, correlationIdOfKafka(context));
  }

  @MessagePattern(MessagingPatterns.MessageList)
  list(@Payload() command: CommandMessage<MessageListPayload>): Promise<Page<MessageStateView>> {
    return this.messages.list(command.actor, command.payload);
  }

  @MessagePattern(MessagingPatterns.MessageSearch)
  search(@Payload() command: CommandMessage<MessageSearchPayload>): Promise<Page<MessageStateView>> {
    return this.messages.search(command.actor, command.payload);
  }

  @MessagePattern(MessagingPatterns.MentionList)
  mentions(@Payload() command: CommandMessage<MentionListPayload>): Promise<Page<MessageStateView>> {
    return this.messages.mentions(command.actor, command.payload);
  }

  @MessagePattern(MessagingPatterns.MessageUpdate)
  update(@Payload() command: CommandMessage<MessageUpdatePayload>, @Ctx() context: KafkaContext): Promise<MessageStateView> {
    return this.messages.update(command.actor, command.payload, correlationIdOfKafka(context));
  }

  @MessagePattern(MessagingPatterns.MessageHistory)
  history(@Payload() command: CommandMessage<MessageRefPayload>): Promise<MessageHistoryView> {
    return this.messages.history(command.actor, command.payload.messageId);
  }

  @MessagePattern(MessagingPatterns.MessageDelete)
  async remove(@Payload() command: CommandMessage<MessageDeletePayload>, @Ctx() context: KafkaContext): Promise<{ deleted: true }> {
    await this.messages.remove(command.actor, command.payload, correlationIdOfKafka(context));
    return { deleted: true };
  }
}
