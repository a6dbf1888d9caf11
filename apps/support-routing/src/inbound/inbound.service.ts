import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { Model, Types } from 'mongoose';
import { Limits, type Actor, type InboundRoutePayload, type InboundRouteResult, type Page, type UnroutedInboundView } from '@parley/contracts';
import { Conversation, SupportInbox } from '@parley/database';
import { UnroutedRepository } from './unrouted.repository.js';

/** Inbound SMS and email: which inbox takes each, and what none took. */
@Injectable()
export class InboundService {
  constructor(
    @InjectModel(SupportInbox.name) private readonly inboxes: Model<SupportInbox>,
    @InjectModel(Conversation.name) private readonly conversations: Model<Conversation>,
    private readonly unrouted: UnroutedRepository,
    @InjectPinoLogger(InboundService.name) private readonly logger: PinoLogger,
  ) {}

  /**
   * The live inbox whose channels hold the address the message was sent to (within the account
   * the webhook names, if it names one); else that account's default inbound conversation for the
   * channel; else the message is kept as unrouted, once.
   */
  async route(actor: Actor, payload: InboundRoutePayload): Promise<InboundRouteResult> {
    const field = payload.channel === 'sms' ? 'channels.phone_numbers' : 'channels.email_addresses';
    const address = payload.channel === 'sms' ? payload.to : payload.to.toLowerCase();
    const filter: Record<string, unknown> = { [field]: address, deleted: false };
    if (actor.accountId) filter.account_id = actor.accountId;
    const inbox = await this.inboxes.findOne(filter, { account_id: 1 }).sort({ created: 1 }).lean<{ _id: Types.ObjectId; account_id: string }>();
    if (inbox) return { inbox: { id: inbox._id.toHexString(), account_id: inbox.account_id } };
    if (actor.accountId) {
      // The account named a conversation to take what no inbox owns on this channel.
      const flag = payload.channel === 'sms' ? 'default_sms_inbound' : 'default_email_inbound';
      const fallback = await this.conversations.findOne({ account_id: actor.accountId, [flag]: true }, { _id: 1 }).lean<{ _id: Types.ObjectId }>();
      if (fallback) return { inbox: null, default_conversation: { id: fallback._id.toHexString(), account_id: actor.accountId } };
    }
    await this.unrouted.keep({
      account_id: actor.accountId || null,
      channel: payload.channel,
      to: address,
      from: payload.from,
      external_id: payload.external_id,
      content: payload.content,
      subject: payload.subject ?? null,
    });
    this.logger.warn({ channel: payload.channel, to: address, externalId: payload.external_id, accountId: actor.accountId || null }, 'inbound message to an address no inbox owns: kept as unrouted');
    return { inbox: null };
  }

  /** The caller's account's unrouted inbound, newest first. */
  async list(actor: Actor, limit = Limits.pageSizeMax): Promise<Page<UnroutedInboundView>> {
    const found = await this.unrouted.ofAccount(actor.accountId, limit);
    return {
      data: found.map((entry) => ({
        id: entry._id.toHexString(),
        channel: entry.channel,
        to: entry.to,
        from: entry.from,
        external_id: entry.external_id,
        content: entry.content,
        subject: entry.subject ?? null,
        received_at: entry.received_at.toISOString(),
      })),
      next: null,
      previous: null,
    };
  }
}
