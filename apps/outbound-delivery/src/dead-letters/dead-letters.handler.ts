import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, MessagePattern, Payload } from '@nestjs/microservices';
import {
  DeadLetterPatterns,
  type CommandMessage,
  type DeadLetterListPayload,
  type DeadLetterReplayPayload,
  type DeadLetterView,
  type Page,
} from '@parley/contracts';
import { OnDeadLetters } from '@parley/kafka';
import { DeadLettersService } from './dead-letters.service.js';

/** Every app's dead-letter topics, and operators' queries about them from the gateway. */
@Controller()
export class DeadLettersHandler {
  constructor(private readonly deadLetters: DeadLettersService) {}

  /**
   * Not through EventConsumer: a dead letter has nowhere further to be parked. One that cannot be
   * recorded fails its batch, and Kafka hands it over again.
   */
  @OnDeadLetters()
  keep(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    return this.deadLetters.keep(payload, context);
  }

  @MessagePattern(DeadLetterPatterns.List)
  list(@Payload() command: CommandMessage<DeadLetterListPayload>): Promise<Page<DeadLetterView>> {
    return this.deadLetters.list(command.actor, command.payload);
  }

  @MessagePattern(DeadLetterPatterns.Replay)
  replay(@Payload() command: CommandMessage<DeadLetterReplayPayload>): Promise<DeadLetterView> {
    return this.deadLetters.replay(command.actor, command.payload.deadLetterId);
  }
}
