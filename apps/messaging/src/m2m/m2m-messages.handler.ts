import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, MessagePattern, Payload } from '@nestjs/microservices';
import { M2mPatterns, type CommandMessage, type ConversationMessageView, type M2mChanged, type M2mPayload, type M2mWriteResult } from '@parley/contracts';
import { commandIdOf } from '@parley/kafka';
import { correlationIdOfKafka } from '@parley/platform';
import { M2mMessagesService } from './m2m-messages.service.js';

/** The machine-to-machine message endpoints, relayed by the gateway. */
@Controller()
export class M2mMessagesHandler {
  constructor(private readonly messages: M2mMessagesService) {}

  @MessagePattern(M2mPatterns.MessageCreate)
  create(@Payload() command: CommandMessage<M2mPayload>, @Ctx() context: KafkaContext): Promise<ConversationMessageView> {
    return this.messages.create(command.actor, command.payload, correlationIdOfKafka(context), createKeyOf(command.payload, context));
  }

  @MessagePattern(M2mPatterns.MessageBulkCreate)
  bulkCreate(@Payload() command: CommandMessage<M2mPayload>, @Ctx() context: KafkaContext): Promise<ConversationMessageView[]> {
    return this.messages.bulkCreate(command.actor, command.payload, correlationIdOfKafka(context), createKeyOf(command.payload, context));
  }

  @MessagePattern(M2mPatterns.MessageUpdate)
  update(@Payload() command: CommandMessage<M2mPayload>, @Ctx() context: KafkaContext): Promise<M2mChanged<ConversationMessageView>> {
    return this.messages.update(command.actor, command.payload, correlationIdOfKafka(context));
  }

  @MessagePattern(M2mPatterns.MessageDelete)
  remove(@Payload() command: CommandMessage<M2mPayload>, @Ctx() context: KafkaContext): Promise<ConversationMessageView> {
    return this.messages.remove(command.actor, command.payload, correlationIdOfKafka(context));
  }

  @MessagePattern(M2mPatterns.MessageUpdateByQuery)
  updateByQuery(@Payload() command: CommandMessage<M2mPayload>, @Ctx() context: KafkaContext): Promise<M2mChanged<M2mWriteResult>> {
    return this.messages.updateByQuery(command.actor, command.payload, correlationIdOfKafka(context));
  }

  @MessagePattern(M2mPatterns.MessageDeleteByQuery)
  deleteByQuery(@Payload() command: CommandMessage<M2mPayload>, @Ctx() context: KafkaContext): Promise<M2mWriteResult> {
    return this.messages.deleteByQuery(command.actor, command.payload, correlationIdOfKafka(context));
  }

  @MessagePattern(M2mPatterns.MessageUpdateByIdList)
  updateByIdList(@Payload() command: CommandMessage<M2mPayload>, @Ctx() context: KafkaContext): Promise<M2mChanged<M2mWriteResult>> {
    return this.messages.updateByIdList(command.actor, command.payload, correlationIdOfKafka(context));
  }
}

/** What keys a create's messages: the caller's Idempotency-Key (its retries too), else the command (its redeliveries). */
function createKeyOf(payload: M2mPayload, context: KafkaContext): string | undefined {
  return payload.idempotencyKey ? `key:${payload.idempotencyKey}` : commandIdOf(context);
}
