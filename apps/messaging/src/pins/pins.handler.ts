import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, MessagePattern, Payload } from '@nestjs/microservices';
import { MessagingPatterns, type CommandMessage, type MessageStateView, type Page, type PinListPayload, type PinSetPayload } from '@parley/contracts';
import { correlationIdOfKafka } from '@parley/platform';
import { PinsService } from './pins.service.js';

/** Pin commands and queries from the gateway. */
@Controller()
export class PinsHandler {
  constructor(private readonly pins: PinsService) {}

  @MessagePattern(MessagingPatterns.PinSet)
  set(@Payload() command: CommandMessage<PinSetPayload>, @Ctx() context: KafkaContext): Promise<MessageStateView> {
    return this.pins.set(command.actor, command.payload, correlationIdOfKafka(context));
  }

  @MessagePattern(MessagingPatterns.PinList)
  list(@Payload() command: CommandMessage<PinListPayload>): Promise<Page<MessageStateView>> {
    return this.pins.list(command.actor, command.payload);
  }
}
