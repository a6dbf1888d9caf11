import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { SupportPatterns, type CommandMessage, type InboundRoutePayload, type InboundRouteResult, type Page, type UnroutedInboundView } from '@parley/contracts';
import { InboundService } from './inbound.service.js';

/** Inbound routing queries from the gateway's webhooks, and the unrouted list for admins. */
@Controller()
export class InboundHandler {
  constructor(private readonly inbound: InboundService) {}

  @MessagePattern(SupportPatterns.InboundRoute)
  route(@Payload() command: CommandMessage<InboundRoutePayload>): Promise<InboundRouteResult> {
    return this.inbound.route(command.actor, command.payload);
  }

  @MessagePattern(SupportPatterns.UnroutedList)
  list(@Payload() command: CommandMessage<Record<string, never>>): Promise<Page<UnroutedInboundView>> {
    return this.inbound.list(command.actor);
  }
}
