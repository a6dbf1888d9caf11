import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, MessagePattern, Payload } from '@nestjs/microservices';
import {
  MessagingPatterns,
  type CommandMessage,
  type MessageCreatePayload,
  type MessageCreateResult,
  type MessageListPayload,
  type MessageView,
  type Page,
} from '@parley/contracts';
import { correlationIdOfKafka } from '@parley/platform';
import { MessagesService } from './messages.service.js';

/** Message commands and queries from the gateway. */
@Controller()
export class MessagesHandler {
  constructor(private readonly messages: MessagesService) {}

  @MessagePattern(MessagingPatterns.MessageCreate)
  create(@Payload() command: CommandMessage<MessageCreatePayload>, @Ctx() context: KafkaContext): Promise<MessageCreateResult> {
    return this.messages.create(command.actor, command.payload, correlationIdOfKafka(context));
  }

  @MessagePattern(MessagingPatterns.MessageList)
  list(@Payload() command: CommandMessage<MessageListPayload>): Promise<Page<MessageView>> {
    return this.messages.list(command.actor, command.payload);
  }
}
