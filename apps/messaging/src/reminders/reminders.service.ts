import { Injectable } from '@nestjs/common';
import {
  AppError,
  Limits,
  type Actor,
  type Page,
  type ReminderCreatePayload,
  type ReminderDeletePayload,
  type ReminderListPayload,
  type ReminderView,
} from '@parley/contracts';
import { forwardPage, timeCursor, timePosition, toObjectId } from '@parley/database';
import { MessageAccess } from '../messages/message-access.js';
import { RoomAccess } from '../messages/room-access.js';
import { toReminderView } from './reminder.view.js';
import { RemindersRepository } from './reminders.repository.js';

/** Reminders users set on messages; the ReminderScheduler fires them. */
/** How far ahead a reminder may be set: year 9999 is a typo, not a plan. */
const REMINDER_HORIZON_MS = 5 * 366 * 24 * 3600 * 1000;

@Injectable()
export class RemindersService {
  constructor(
    private readonly reminders: RemindersRepository,
    private readonly messageAccess: MessageAccess,
    private readonly rooms: RoomAccess,
  ) {}

  /** Sets a reminder on a message the caller may read, at a time in the future. */
  async create(actor: Actor, payload: ReminderCreatePayload): Promise<ReminderView> {
    const at = new Date(payload.at);
    if (Number.isNaN(at.getTime())) throw AppError.badRequest('at', 'at must be an RFC 3339 time');
    if (at.getTime() <= Date.now()) throw AppError.unprocessable('at', 'at must be a time in the future');
    if (at.getTime() > Date.now() + REMINDER_HORIZON_MS) throw AppError.unprocessable('at', 'at must be within five years');
    const { message, conversationId } = await this.messageAccess.readable(actor, payload.messageId);
    if (message.deleted) throw AppError.conflict('The message was deleted');
    const reminder = await this.reminders.insert({
      account_id: actor.accountId,
      conversation_id: conversationId,
      user_id: actor.userId,
      message_id: message._id,
      room_id: message.room_id,
      at,
    });
    return toReminderView(reminder);
  }

  /**
   * The caller's pending reminders, soonest first, in rooms they still belong to (one of a room they
   * left is cancelled when it falls due, so it is not shown as coming).
   */
  async list(actor: Actor, payload: ReminderListPayload): Promise<Page<ReminderView>> {
    const limit = Math.min(payload.limit ?? Limits.pageSizeDefault, Limits.pageSizeMax);
    const after = payload.cursor ? timePosition(payload.cursor, 'cursor') : undefined;
    const { conversationId, roomIds } = await this.rooms.memberRoomIds(actor);
    if (!conversationId || roomIds.length === 0) return { data: [], next: null, previous: null };
    const found = await this.reminders.pendingOf(actor.accountId, conversationId, roomIds, after, limit + 1);
    return forwardPage(found, limit, (reminder) => timeCursor(reminder.at, reminder._id), toReminderView);
  }

  /**
   * Cancels one of the caller's reminders so it never fires; someone else's is a 404. Cancelling
   * again changes nothing; one that already fired is a 409.
   */
  async remove(actor: Actor, payload: ReminderDeletePayload): Promise<void> {
    const messageId = toObjectId(payload.messageId, 'id');
    const reminderId = toObjectId(payload.reminderId, 'reminderId');
    const conversationId = await this.rooms.conversationOf(actor);
    const reminder = conversationId ? await this.reminders.findOwn(actor.accountId, conversationId, messageId, reminderId) : null;
    if (!reminder) throw AppError.notFound('reminder');
    if (reminder.status === 'cancelled') return;
    if (reminder.status === 'fired') throw AppError.conflict('The reminder already fired');
    // The conditional update settles a race with the scheduler: it fires or it is cancelled, never both.
    if (await this.reminders.cancel(actor.accountId, reminderId)) return;
    const settled = await this.reminders.findOwn(actor.accountId, reminder.conversation_id, messageId, reminderId);
    if (settled?.status !== 'cancelled') throw AppError.conflict('The reminder already fired');
  }
}
