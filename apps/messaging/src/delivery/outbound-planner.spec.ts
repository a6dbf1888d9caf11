import { describe, expect, it } from '@jest/globals';
import { Types, type Model } from 'mongoose';
import { AppError } from '@parley/contracts';
import type { Message, SupportInbox } from '@parley/database';
import { MessagingConfig } from '../messaging.config.js';
import type { MemberRoom } from '../messages/room-access.js';
import { OutboundPlanner } from './outbound-planner.js';

const inboxes = {} as Model<SupportInbox>;
const messages = {} as Model<Message>;

function planner(channels: { sms?: boolean; email?: boolean }) {
  const config = Object.assign(new MessagingConfig(), {
    ...(channels.sms ? { TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 'token' } : {}),
    ...(channels.email ? { SENDGRID_API_KEY: 'SG.key' } : {}),
  });
  return new OutboundPlanner(inboxes, messages, config);
}

function room(contact: { phone?: string; email?: string }, support: Record<string, unknown> = {}): MemberRoom['room'] {
  return { type: 'support', members: [], support: { inbox_id: new Types.ObjectId(), contact, reply_from: null, ...support } } as unknown as MemberRoom['room'];
}

const inbox = { _id: new Types.ObjectId(), name: 'Help', channels: { phone_numbers: ['+14155550100'], email_addresses: ['help@acme.test'] } };

function refusal(plan: () => unknown): string {
  try {
    plan();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).statusCode).toBe(409);
    return (error as AppError).message;
  }
  throw new Error('expected a 409');
}

describe('OutboundPlanner', () => {
  it('sends an SMS from the inbox number to the contact\'s, and an email with a subject that defaults to the inbox', () => {
    const both = planner({ sms: true, email: true });
    expect(both.plan(room({ phone: '+15550001' }), 'sms', inbox, undefined)).toEqual({ channel: 'sms', to: '+15550001', from: '+14155550100' });
    expect(both.plan(room({ email: 'dana@example.com' }), 'email', inbox, undefined)).toEqual({
      channel: 'email',
      to: 'dana@example.com',
      from: 'help@acme.test',
      subject: 'Re: Help',
    });
  });

  it('answers the contact\'s last email in its thread: Re: its subject, once, and In-Reply-To its Message-ID', () => {
    const both = planner({ sms: true, email: true });
    const dana = room({ email: 'dana@example.com' });
    expect(both.plan(dana, 'email', inbox, undefined, { subject: 'Refund', messageId: 'abc.1@mail.example' })).toMatchObject({
      subject: 'Re: Refund',
      inReplyTo: 'abc.1@mail.example',
    });
    expect(both.plan(dana, 'email', inbox, undefined, { subject: 'RE: Refund', messageId: null })).toEqual(
      expect.not.objectContaining({ inReplyTo: expect.anything() }),
    );
    expect(both.plan(dana, 'email', inbox, undefined, { subject: 'RE: Refund', messageId: null }).subject).toBe('RE: Refund');
    expect(both.plan(dana, 'email', inbox, 'Your invoice', { subject: 'Refund', messageId: 'abc.1@mail.example' }).subject).toBe('Your invoice');
  });

  it('answers 409 saying why when a channel is off, the contact cannot be reached, or the inbox has nothing to send from', () => {
    expect(refusal(() => planner({ email: true }).plan(room({ phone: '+15550001' }), 'sms', inbox, undefined))).toMatch(/SMS is off/);
    expect(refusal(() => planner({ sms: true }).plan(room({ email: 'a@b.c' }), 'email', inbox, undefined))).toMatch(/Email is off/);
    expect(refusal(() => planner({ sms: true }).plan(room({ email: 'a@b.c' }), 'sms', inbox, undefined))).toMatch(/no phone number/);
    expect(refusal(() => planner({ sms: true }).plan(room({ phone: '+15550001' }), 'sms', { ...inbox, channels: {} }, undefined))).toMatch(/inbox has no phone number/);
  });

  it('answers from the inbox number or address the contact last wrote to while the inbox has it, else from its first', () => {
    const both = planner({ sms: true, email: true });
    const owned = { ...inbox, channels: { phone_numbers: ['+14155550100', '+14155550300'], email_addresses: ['help@acme.test', 'billing@acme.test'] } };
    const wrote = room({ phone: '+15550001', email: 'a@b.c' }, { written_to: { sms: '+14155550300', email: 'billing@acme.test' } });
    expect(both.plan(wrote, 'sms', owned, undefined)).toMatchObject({ from: '+14155550300' });
    expect(both.plan(wrote, 'email', owned, undefined)).toMatchObject({ from: 'billing@acme.test' });
    // The inbox gave that number up since: its first answers.
    expect(both.plan(wrote, 'sms', inbox, undefined)).toMatchObject({ from: '+14155550100' });
  });

  it('sends nothing from a room whose inbox was deleted (409): its numbers may be another inbox\'s now', () => {
    const orphan = room({ phone: '+15550001' }, { reply_from: '+14155550100' });
    expect(refusal(() => planner({ sms: true }).plan(orphan, 'sms', undefined, undefined))).toMatch(/inbox was deleted/);
  });

  it('answers a room without an inbox from the address its contact wrote to, on that channel only', () => {
    const direct = room({ phone: '+15550001', email: 'a@b.c' }, { inbox_id: null, reply_from: '+14155550999' });
    const both = planner({ sms: true, email: true });
    expect(both.plan(direct, 'sms', undefined, undefined)).toMatchObject({ from: '+14155550999' });
    expect(refusal(() => both.plan(direct, 'email', undefined, undefined))).toMatch(/no email address/);
  });

  it('sends only non-private messages whose source is sms or email, in rooms with a contact', () => {
    const planning = planner({ sms: true });
    expect(planning.needsPlan(room({ phone: '+1' }), 'sms', false)).toBe(true);
    expect(planning.needsPlan(room({ phone: '+1' }), 'sms', true)).toBe(false);
    expect(planning.needsPlan(room({ phone: '+1' }), 'chat', false)).toBe(false);
    expect(planning.needsPlan({ type: 'direct', members: [], support: null } as unknown as MemberRoom['room'], 'sms', false)).toBe(false);
  });
});
