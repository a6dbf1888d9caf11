import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { MessagingPatterns, type CommandMessage, type ContentPolicySetPayload, type ContentPolicyView } from '@parley/contracts';
import { ContentPolicyRepository } from './content-policy.repository.js';

/** The account's content policy for listing messages: read by anyone of the account, set by admins (the gateway checks the scope). */
@Controller()
export class ContentPolicyHandler {
  constructor(private readonly policies: ContentPolicyRepository) {}

  @MessagePattern(MessagingPatterns.ContentPolicyGet)
  get(@Payload() command: CommandMessage<Record<string, never>>): Promise<ContentPolicyView> {
    return this.policies.of(command.actor.accountId);
  }

  @MessagePattern(MessagingPatterns.ContentPolicySet)
  set(@Payload() command: CommandMessage<ContentPolicySetPayload>): Promise<ContentPolicyView> {
    const { phones, emails, links } = command.payload;
    return this.policies.set(command.actor.accountId, { ...(phones ? { phones } : {}), ...(emails ? { emails } : {}), ...(links ? { links } : {}) });
  }
}
