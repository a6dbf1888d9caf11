import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, MessagePattern, Payload } from '@nestjs/microservices';
import { MessagingPatterns, type CommandMessage, type MessageStateView, type ReactionSetPayload } from '@parley/contracts';
import { correlationIdOfKafka } from '@parley/platform';
import { ReactionsService } from './reactions.service.js';

/** Reaction commands from the gateway. */
@Controller()
export class ReactionsHandler {
  constructor(private readonly reactions: ReactionsService) {}

  @MessagePattern(MessagingPatterns.ReactionSet)
  set(@Payload() command: CommandMessage<ReactionSetPayload>, @Ctx() context: KafkaContext): Promise<MessageStateView> {
    return this.reactions.set(command.actor, command.payload, correlationIdOfKafka(context));
  }
}
