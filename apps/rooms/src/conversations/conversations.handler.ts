import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, MessagePattern, Payload } from '@nestjs/microservices';
import {
  EventTopics,
  RoomsPatterns,
  type CommandMessage,
  type ConversationListPayload,
  type ConversationStatusPayload,
  type ConversationUpdatePayload,
  type ConversationView,
  type Page,
  type PresenceChangedData,
} from '@parley/contracts';
import { EventConsumer, EventLedger, OnEvent } from '@parley/kafka';
import { correlationIdOfKafka } from '@parley/platform';
import { ConversationsRepository } from './conversations.repository.js';
import { ConversationsService } from './conversations.service.js';
import { DevUsers } from './dev-users.js';
import { toConversationView } from './conversation.view.js';

/** Conversation commands from the gateway, and presence derived from sockets by realtime. */
@Controller()
export class ConversationsHandler {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly service: ConversationsService,
    private readonly consumer: EventConsumer,
    private readonly ledger: EventLedger,
    private readonly devUsers: DevUsers,
  ) {}

  @MessagePattern(RoomsPatterns.ConversationEnsure)
  async ensure(@Payload() command: CommandMessage<Record<string, never>>): Promise<ConversationView> {
    const { accountId, userId } = command.actor;
    const [conversation] = await Promise.all([this.conversations.ensure(accountId, userId), this.devUsers.record(accountId, userId)]);
    return toConversationView(conversation);
  }

  @MessagePattern(RoomsPatterns.ConversationList)
  list(@Payload() command: CommandMessage<ConversationListPayload>): Promise<Page<ConversationView>> {
    return this.service.list(command.actor, command.payload);
  }

  @MessagePattern(RoomsPatterns.ConversationUpdate)
  update(@Payload() command: CommandMessage<ConversationUpdatePayload>): Promise<ConversationView> {
    return this.service.update(command.actor, command.payload);
  }

  @MessagePattern(RoomsPatterns.ConversationSetStatus)
  setStatus(@Payload() command: CommandMessage<ConversationStatusPayload>, @Ctx() context: KafkaContext): Promise<ConversationView> {
    return this.service.setStatus(command.actor, command.payload.status, correlationIdOfKafka(context));
  }

  @OnEvent(EventTopics.PresenceChanged)
  async onPresenceChanged(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.handle<PresenceChangedData>('rooms.presence-changed', payload, context, async (envelope) => {
      await this.ledger.applyOnce('rooms.presence-changed', envelope, (session) => this.service.applySocketPresence(envelope, session));
    });
  }
}
