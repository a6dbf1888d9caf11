import { Injectable } from '@nestjs/common';
import {
  MessagingPatterns,
  RoomsPatterns,
  Scopes,
  SupportPatterns,
  type Actor,
  type InboundRouteResult,
  type MessageCreateResult,
  type RoomView,
} from '@parley/contracts';
import { CommandClient } from '@parley/kafka';

/** An SMS or email as a provider's webhook delivered it, its signature checked. */
export interface InboundMessage {
  channel: 'sms' | 'email';
  /** The account the webhook's URL names, if it names one. */
  accountId?: string;
  to: string;
  from: string;
  fromName?: string;
  externalId: string;
  content: string;
  subject?: string;
}

/**
 * Turns an inbound SMS or email into a contact's message in their open support room, through the
 * same path as `POST /v1/support/rooms`: the inbox that owns the address (support-routing), the
 * contact's open room or a new routed one (rooms), the message (messaging, idempotent on the
 * provider's id, so a provider's retry stores nothing new). An address no inbox owns is kept as
 * unrouted by support-routing. Resolves once everything is stored, so the provider is answered 200
 * only for what will not be lost.
 */
@Injectable()
export class InboundMessagesService {
  constructor(private readonly commands: CommandClient) {}

  async receive(inbound: InboundMessage, correlationId: string): Promise<{ routed: boolean; roomId?: string; messageId?: string }> {
    const webhook: Actor = { userId: `webhook:${inbound.channel}`, accountId: inbound.accountId ?? '', scopes: [Scopes.Support] };
    const route = await this.commands.send<InboundRouteResult>(
      SupportPatterns.InboundRoute,
      webhook,
      { channel: inbound.channel, to: inbound.to, from: inbound.from, external_id: inbound.externalId, content: inbound.content, subject: inbound.subject },
      { correlationId, key: inbound.from },
    );
    if (!route.inbox) return { routed: false };
    const actor: Actor = { ...webhook, accountId: route.inbox.account_id };
    const contact = inbound.channel === 'sms' ? { phone: inbound.from } : { email: inbound.from, ...(inbound.fromName ? { name: inbound.fromName } : {}) };
    const opened = await this.commands.send<{ created: boolean; room: RoomView }>(
      RoomsPatterns.SupportRoomOpen,
      actor,
      { inbox_id: route.inbox.id, contact },
      { correlationId, key: inbound.from },
    );
    const stored = await this.commands.send<MessageCreateResult>(
      MessagingPatterns.MessageCreateFromContact,
      actor,
      {
        roomId: opened.room.id,
        content: inbound.content,
        source: inbound.channel,
        externalId: inbound.externalId,
        ...(inbound.subject ? { subject: inbound.subject } : {}),
      },
      { correlationId, key: opened.room.id },
    );
    return { routed: true, roomId: opened.room.id, messageId: stored.message.id };
  }
}
