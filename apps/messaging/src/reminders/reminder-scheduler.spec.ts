import { describe, expect, it } from '@jest/globals';
import type { Connection } from 'mongoose';
import { Types } from 'mongoose';
import type { PinoLogger } from 'nestjs-pino';
import type { EventEnvelope } from '@parley/contracts';
import type { Outbox } from '@parley/kafka';
import type { StoredMessage } from '../messages/message.view.js';
import type { MessagesRepository } from '../messages/messages.repository.js';
import { MessagingConfig } from '../messaging.config.js';
import type { RoomAccess } from '../messages/room-access.js';
import { ReminderScheduler } from './reminder-scheduler.js';
import type { RemindersRepository, StoredReminder } from './reminders.repository.js';

const owner = new Types.ObjectId();

function reminder(at: Date, messageId = new Types.ObjectId()): StoredReminder {
  return {
    _id: new Types.ObjectId(),
    account_id: 'acct',
    conversation_id: owner,
    user_id: 'u-1',
    message_id: messageId,
    room_id: new Types.ObjectId(),
    at,
    status: 'pending',
    fired_at: null,
    fired_by: null,
    cancelled_at: null,
    created: at,
    updated: at,
  };
}

/** A scheduler over in-memory reminders; `transaction` runs its callback and records which ones committed. */
function harness(reminders: StoredReminder[], messages: Map<string, Partial<StoredMessage>>, members: Types.ObjectId[] = [owner]) {
  const session = { id: 'session' };
  const queued: EventEnvelope[][] = [];
  const cancelled: string[] = [];
  const transactions = { opened: 0 };
  const connection = {
    transaction: async <T>(work: (s: unknown) => Promise<T>) => {
      transactions.opened++;
      return work(session);
    },
  } as unknown as Connection;
  const repository = {
    async anyDue(now: Date) {
      return reminders.some((item) => item.status === 'pending' && item.at <= now);
    },
    async claimDue(now: Date) {
      const due = reminders.filter((item) => item.status === 'pending' && item.at <= now).sort((a, b) => a.at.getTime() - b.at.getTime())[0];
      if (!due) return null;
      due.status = 'fired';
      return due;
    },
    async markCancelled(_accountId: string, id: Types.ObjectId) {
      cancelled.push(id.toHexString());
      const found = reminders.find((item) => item._id.equals(id));
      if (found) found.status = 'cancelled';
    },
  } as unknown as RemindersRepository;
  const messageRepository = {
    async findById(_accountId: string, id: Types.ObjectId) {
      const found = messages.get(id.toHexString());
      return found ? ({ receivers: [owner], deleted_by: [], deleted: false, ...found } as StoredMessage) : null;
    },
  } as unknown as MessagesRepository;
  const rooms = {
    async roomOfAccount() {
      return { members: members.map((conversationId) => ({ conversation_id: conversationId })), support: null };
    },
  } as unknown as RoomAccess;
  const outbox = { add: async (s: unknown, envelopes: EventEnvelope[]) => void (s === session && queued.push(envelopes)) } as unknown as Outbox;
  const logger = { error() {} } as unknown as PinoLogger;
  const scheduler = new ReminderScheduler(connection, repository, messageRepository, rooms, outbox, new MessagingConfig(), logger);
  return { scheduler, queued, cancelled, transactions };
}

describe('ReminderScheduler', () => {
  it('fires each due reminder once, oldest first, with its event in the claiming transaction, and leaves future ones', async () => {
    const now = new Date('2030-01-01T12:00:00Z');
    const early = reminder(new Date('2030-01-01T11:00:00Z'));
    const due = reminder(new Date('2030-01-01T12:00:00Z'));
    const later = reminder(new Date('2030-01-01T12:00:01Z'));
    const messages = new Map([early, due, later].map((item) => [item.message_id.toHexString(), {}]));
    const { scheduler, queued } = harness([due, later, early], messages);

    expect(await scheduler.fireDue(now)).toBe(2);
    expect(await scheduler.fireDue(now)).toBe(0);
    expect(queued.map(([envelope]) => (envelope.data as { reminder_id: string }).reminder_id)).toEqual([early._id.toHexString(), due._id.toHexString()]);
    expect(queued[0][0]).toMatchObject({
      type: 'parley.reminder.due',
      accountId: 'acct',
      key: early.room_id.toHexString(),
      data: {
        message_id: early.message_id.toHexString(),
        room_id: early.room_id.toHexString(),
        conversation_id: owner.toHexString(),
        at: '2030-01-01T11:00:00.000Z',
      },
    });
    expect(later.status).toBe('pending');
  });

  it('opens no transaction when no reminder is due', async () => {
    const now = new Date('2030-01-01T12:00:00Z');
    const later = reminder(new Date('2030-01-01T12:00:01Z'));
    const { scheduler, queued, transactions } = harness([later], new Map([[later.message_id.toHexString(), {}]]));

    expect(await scheduler.fireDue(now)).toBe(0);
    expect(transactions.opened).toBe(0);
    expect(queued).toEqual([]);
    expect(later.status).toBe('pending');
  });

  it('cancels instead of firing when the message was deleted or hidden from its owner', async () => {
    const now = new Date('2030-01-01T12:00:00Z');
    const onDeleted = reminder(new Date('2030-01-01T11:00:00Z'));
    const onHidden = reminder(new Date('2030-01-01T11:00:01Z'));
    const onMissing = reminder(new Date('2030-01-01T11:00:02Z'));
    const messages = new Map<string, Partial<StoredMessage>>([
      [onDeleted.message_id.toHexString(), { deleted: true }],
      [onHidden.message_id.toHexString(), { deleted_by: [owner] }],
    ]);
    const { scheduler, queued, cancelled } = harness([onDeleted, onHidden, onMissing], messages);

    await scheduler.fireDue(now);
    expect(queued).toEqual([]);
    expect(cancelled).toEqual([onDeleted, onHidden, onMissing].map((item) => item._id.toHexString()));
  });

  it('cancels instead of firing when its owner has left the room since', async () => {
    const now = new Date('2030-01-01T12:00:00Z');
    const left = reminder(new Date('2030-01-01T11:00:00Z'));
    const { scheduler, queued, cancelled } = harness([left], new Map([[left.message_id.toHexString(), {}]]), [new Types.ObjectId()]);

    await scheduler.fireDue(now);
    expect(queued).toEqual([]);
    expect(cancelled).toEqual([left._id.toHexString()]);
  });
});
