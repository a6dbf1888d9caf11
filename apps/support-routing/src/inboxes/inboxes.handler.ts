import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, MessagePattern, Payload } from '@nestjs/microservices';
import {
  SupportPatterns,
  type CommandMessage,
  type InboxCreatePayload,
  type InboxMemberPayload,
  type InboxRefPayload,
  type InboxStatsView,
  type InboxUpdatePayload,
  type InboxView,
  type Page,
} from '@parley/contracts';
import { correlationIdOfKafka } from '@parley/platform';
import { InboxStatsService } from './inbox-stats.service.js';
import { InboxesService } from './inboxes.service.js';

/** Inbox commands and queries from the gateway. */
@Controller()
export class InboxesHandler {
  constructor(
    private readonly inboxes: InboxesService,
    private readonly stats: InboxStatsService,
  ) {}

  @MessagePattern(SupportPatterns.InboxCreate)
  create(@Payload() command: CommandMessage<InboxCreatePayload>): Promise<InboxView> {
    return this.inboxes.create(command.actor, command.payload);
  }

  @MessagePattern(SupportPatterns.InboxList)
  async list(@Payload() command: CommandMessage<Record<string, never>>): Promise<Page<InboxView>> {
    return { data: await this.inboxes.list(command.actor), next: null, previous: null };
  }

  @MessagePattern(SupportPatterns.InboxGet)
  get(@Payload() command: CommandMessage<InboxRefPayload>): Promise<InboxView> {
    return this.inboxes.get(command.actor, command.payload.inboxId);
  }

  @MessagePattern(SupportPatterns.InboxUpdate)
  update(@Payload() command: CommandMessage<InboxUpdatePayload>, @Ctx() context: KafkaContext): Promise<InboxView> {
    return this.inboxes.update(command.actor, command.payload, correlationIdOfKafka(context));
  }

  @MessagePattern(SupportPatterns.InboxDelete)
  async remove(@Payload() command: CommandMessage<InboxRefPayload>, @Ctx() context: KafkaContext): Promise<{ deleted: true }> {
    await this.inboxes.remove(command.actor, command.payload.inboxId, correlationIdOfKafka(context));
    return { deleted: true };
  }

  @MessagePattern(SupportPatterns.InboxAddMember)
  addMember(@Payload() command: CommandMessage<InboxMemberPayload>, @Ctx() context: KafkaContext): Promise<InboxView> {
    return this.inboxes.addMember(command.actor, command.payload, correlationIdOfKafka(context));
  }

  @MessagePattern(SupportPatterns.InboxRemoveMember)
  removeMember(@Payload() command: CommandMessage<InboxMemberPayload>, @Ctx() context: KafkaContext): Promise<InboxView> {
    return this.inboxes.removeMember(command.actor, command.payload, correlationIdOfKafka(context));
  }

  @MessagePattern(SupportPatterns.InboxStats)
  statsOf(@Payload() command: CommandMessage<InboxRefPayload>): Promise<InboxStatsView> {
    return this.stats.of(command.actor, command.payload.inboxId);
  }
}
