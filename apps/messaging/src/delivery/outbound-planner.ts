import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, Types } from 'mongoose';
import { AppError, type DeliveryChannel, type MessageSource } from '@parley/contracts';
import { Message, SupportInbox } from '@parley/database';
import { MessagingConfig } from '../messaging.config.js';
import type { MemberRoom } from '../messages/room-access.js';

/** Where a message will go out: the channel, the contact's number or address, and the inbox's. */
export interface OutboundPlan {
  channel: DeliveryChannel;
  to: string;
  from: string;
  subject?: string;
  /** Email: the Message-ID of the contact's last email, which this answers. */
  inReplyTo?: string;
}

/** The contact's last email in a room: what an answer's subject and threading headers follow. */
export interface EmailThread {
  subject: string | null;
  messageId: string | null;
}

/** An RFC 5322 msg-id without its brackets (inbound emails without one are keyed otherwise). */
const MESSAGE_ID = /^[^\s:<>@]+@[^\s:<>@]+$/;

/** `Re: <subject>`, once: an answer to `Re: Refund` is `Re: Refund`. */
function answerSubject(subject: string): string {
  return /^re:/i.test(subject.trim()) ? subject.trim() : `Re: ${subject.trim()}`;
}

/**
 * An inbox's number (or address) an answer goes out from: the one its contact last wrote to while
 * the inbox still has it (an answer from another number opens another thread on their phone), else its first.
 */
function inboxFrom(room: MemberRoom['room'], channel: DeliveryChannel, owned: string[] | undefined): string | undefined {
  const writtenTo = room.support?.written_to?.[channel];
  return writtenTo && owned?.includes(writtenTo) ? writtenTo : owned?.[0];
}

/** A room without an inbox answers from the number or address its contact wrote to, on that channel. */
function replyFrom(room: MemberRoom['room'], channel: DeliveryChannel): string | undefined {
  const from = room.support?.reply_from ?? undefined;
  if (!from) return undefined;
  return (channel === 'email') === from.includes('@') ? from : undefined;
}

type InboxChannels = { _id: Types.ObjectId; name: string; channels?: { phone_numbers?: string[]; email_addresses?: string[] } };

/**
 * Decides whether a message leaves by SMS or email: a non-private message of a support room whose
 * source is `sms` or `email`. Refuses (409, saying why) a channel that is off, a contact without a
 * number or address, or an inbox without one to send from. Reads inboxes (support-routing's).
 */
@Injectable()
export class OutboundPlanner {
  constructor(
    @InjectModel(SupportInbox.name) private readonly inboxes: Model<SupportInbox>,
    @InjectModel(Message.name) private readonly messages: Model<Message>,
    private readonly config: MessagingConfig,
  ) {}

  /** Each room's last email from its contact (one read for a batch of email sends). */
  async emailThreadsOf(roomIds: Types.ObjectId[]): Promise<Map<string, EmailThread>> {
    if (roomIds.length === 0) return new Map();
    const last = await this.messages.aggregate<{ _id: Types.ObjectId; subject: string | null; key: string | null }>([
      { $match: { room_id: { $in: roomIds }, source: 'email', conversation_id: null } },
      { $sort: { room_id: 1, seq: -1 } },
      { $group: { _id: '$room_id', subject: { $first: '$subject' }, key: { $first: '$client_message_id' } } },
    ]);
    return new Map(
      last.map((entry) => {
        const id = entry.key?.startsWith('email:') ? entry.key.slice('email:'.length) : null;
        return [entry._id.toHexString(), { subject: entry.subject ?? null, messageId: id && MESSAGE_ID.test(id) ? id : null }];
      }),
    );
  }

  /** Whether a send on this source in this room goes out at all. */
  needsPlan(room: MemberRoom['room'], source: MessageSource | undefined, isPrivate: boolean | undefined): source is DeliveryChannel {
    return !!room.support && !isPrivate && (source === 'sms' || source === 'email');
  }

  /** The live inboxes the planned sends go out from, read once for a batch (a deleted one sends nothing). */
  async inboxesOf(rooms: MemberRoom['room'][]): Promise<Map<string, InboxChannels>> {
    const ids = rooms.flatMap((room) => (room.support?.inbox_id ? [room.support.inbox_id] : []));
    if (ids.length === 0) return new Map();
    const found = await this.inboxes.find({ _id: { $in: ids }, deleted: false }, { name: 1, channels: 1 }).lean<InboxChannels[]>();
    return new Map(found.map((inbox) => [inbox._id.toHexString(), inbox]));
  }

  /** The plan of one send (see the class), or the 409 that says why it cannot go out. */
  plan(room: MemberRoom['room'], channel: DeliveryChannel, inbox: InboxChannels | undefined, subject: string | undefined, thread?: EmailThread): OutboundPlan {
    const contact = room.support?.contact;
    // Its numbers and addresses were given up with it: another inbox, of any account, may hold them now.
    if (room.support?.inbox_id && !inbox) throw AppError.conflict("This room's inbox was deleted: it has no number or address to send from");
    if (channel === 'sms') {
      if (!this.config.smsEnabled) throw AppError.conflict('SMS is off: TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are not set');
      if (!contact?.phone) throw AppError.conflict('The contact of this room has no phone number');
      const from = inboxFrom(room, 'sms', inbox?.channels?.phone_numbers) ?? replyFrom(room, 'sms');
      if (!from) throw AppError.conflict("The room's inbox has no phone number to send from");
      return { channel, to: contact.phone, from };
    }
    if (!this.config.emailEnabled) throw AppError.conflict('Email is off: SENDGRID_API_KEY is not set');
    if (!contact?.email) throw AppError.conflict('The contact of this room has no email address');
    const from = inboxFrom(room, 'email', inbox?.channels?.email_addresses) ?? replyFrom(room, 'email');
    if (!from) throw AppError.conflict("The room's inbox has no email address to send from");
    // An answer follows the contact's last email: its subject, and its thread in their mail client.
    return {
      channel,
      to: contact.email,
      from,
      subject: subject ?? (thread?.subject ? answerSubject(thread.subject) : `Re: ${inbox?.name ?? 'your message'}`),
      ...(thread?.messageId ? { inReplyTo: thread.messageId } : {}),
    };
  }
}
