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
   * channel; else the message is kept as unrouted, once. A webhook that names no account is the
   * account's whose inbox last held the address (an inbox deleted with its rooms still open: the
   * contact writes on), so its admins see what came in.
   */
  async route(actor: Actor, payload: InboundRoutePayload): Promise<InboundRouteResult> {
    const field = payload.channel === 'sms' ? 'channels.phone_numbers' : 'channels.email_addresses';
    const address = payload.channel === 'sms' ? payload.to : payload.to.toLowerCase();
    const filter: Record<string, unknown> = { [field]: address, deleted: false };
    if (actor.accountId) filter.account_id = actor.accountId;
    const inbox = await this.inboxes.findOne(filter, { account_id: 1 }).sort({ created: 1 }).lean<{ _id: Types.ObjectId; account_id: string }>();
    if (inbox) return { inbox: { id: inbox._id.toHexString(), account_id: inbox.account_id } };
    const accountId = actor.accountId || (await this.formerOwner(field, address));
    if (accountId) {
      // The account named a conversation to take what no inbox owns on this channel.
      const flag = payload.channel === 'sms' ? 'default_sms_inbound' : 'default_email_inbound';
      const fallback = await this.conversations.findOne({ account_id: accountId, [flag]: true }, { _id: 1 }).lean<{ _id: Types.ObjectId }>();
      if (fallback) return { inbox: null, default_conversation: { id: fallback._id.toHexString(), account_id: accountId } };
    }
    await this.unrouted.keep({
      account_id: accountId,
      channel: payload.channel,
      to: address,
      from: payload.from,
      external_id: payload.external_id,
      content: payload.content,
      subject: payload.subject ?? null,
    });
    if (accountId) {
      this.logger.warn({ channel: payload.channel, to: address, externalId: payload.external_id, accountId }, 'inbound message to an address no inbox owns: kept as unrouted');
    } else {
      // No admin can list it (GET /v1/support/unrouted is per account): the operator has to know.
      this.logger.warn(
        { channel: payload.channel, to: address, from: payload.from, externalId: payload.external_id },
        'inbound message to an address no inbox of any account owns, from a webhook that names no account (?account=): kept as unrouted with no account, where only an operator sees it',
      );
    }
    return { inbox: null };
  }

  /** The account whose inbox last held an address (deleted since), or null when none ever did. */
  private async formerOwner(field: string, address: string): Promise<string | null> {
    const inbox = await this.inboxes.findOne({ [field]: address, deleted: true }, { account_id: 1 }).sort({ updated: -1 }).lean<{ account_id: string }>();
    return inbox?.account_id ?? null;
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
