import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, MessagePattern, Payload } from '@nestjs/microservices';
import { M2mPatterns, type CommandMessage, type ConversationThreadView, type M2mPayload, type M2mWriteResult } from '@parley/contracts';
import { correlationIdOfKafka } from '@parley/platform';
import { M2mThreadsService } from './m2m-threads.service.js';

/** The machine-to-machine thread endpoints, relayed by the gateway. */
@Controller()
export class M2mThreadsHandler {
  constructor(private readonly threads: M2mThreadsService) {}

  @MessagePattern(M2mPatterns.ThreadCreate)
  create(@Payload() command: CommandMessage<M2mPayload>, @Ctx() context: KafkaContext): Promise<ConversationThreadView> {
    return this.threads.create(command.actor, command.payload, correlationIdOfKafka(context));
  }

  @MessagePattern(M2mPatterns.ThreadBulkCreate)
  bulkCreate(@Payload() command: CommandMessage<M2mPayload>, @Ctx() context: KafkaContext): Promise<ConversationThreadView[]> {
    return this.threads.bulkCreate(command.actor, command.payload, correlationIdOfKafka(context));
  }

  @MessagePattern(M2mPatterns.ThreadUpdate)
  update(@Payload() command: CommandMessage<M2mPayload>, @Ctx() context: KafkaContext): Promise<ConversationThreadView> {
    return this.threads.update(command.actor, command.payload, correlationIdOfKafka(context));
  }

  @MessagePattern(M2mPatterns.ThreadDelete)
  remove(@Payload() command: CommandMessage<M2mPayload>, @Ctx() context: KafkaContext): Promise<ConversationThreadView> {
    return this.threads.remove(command.actor, command.payload, correlationIdOfKafka(context));
  }

  @MessagePattern(M2mPatterns.ThreadUpdateByQuery)
  updateByQuery(@Payload() command: CommandMessage<M2mPayload>, @Ctx() context: KafkaContext): Promise<M2mWriteResult> {
    return this.threads.updateByQuery(command.actor, command.payload, correlationIdOfKafka(context));
  }

  @MessagePattern(M2mPatterns.ThreadDeleteByQuery)
  deleteByQuery(@Payload() command: CommandMessage<M2mPayload>, @Ctx() context: KafkaContext): Promise<M2mWriteResult> {
    return this.threads.deleteByQuery(command.actor, command.payload, correlationIdOfKafka(context));
  }

  @MessagePattern(M2mPatterns.ThreadUpdateByIdList)
  updateByIdList(@Payload() command: CommandMessage<M2mPayload>, @Ctx() context: KafkaContext): Promise<M2mWriteResult> {
    return this.threads.updateByIdList(command.actor, command.payload, correlationIdOfKafka(context));
  }
}
