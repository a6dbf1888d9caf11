import { hostname } from 'node:os';
import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { Connection } from 'mongoose';
import { createEnvelope, EventTopics } from '@parley/contracts';
import { runTransaction } from '@parley/database';
import { Outbox } from '@parley/kafka';
import { RepeatedFailureLog } from '@parley/platform';
import { isVisibleTo } from '../messages/message.view.js';
import { MessagesRepository } from '../messages/messages.repository.js';
import { RoomAccess } from '../messages/room-access.js';
import { MessagingConfig } from '../messaging.config.js';
import { reminderDueData } from './reminder.view.js';
import { RemindersRepository } from './reminders.repository.js';

/** Most reminders fired in one poll, so a backlog after downtime does not hold the loop for long. */
const FIRE_BATCH = 200;

/**
 * Fires due reminders, durably and once. Each is claimed (pending → fired) in the same MongoDB
 * transaction as the outbox write of its `parley.reminder.due` event, so the state lives in the
 * database, not in timers: one that fell due while no instance ran fires when one is back, and
 * two instances polling at once conflict on the claim, so only one of them fires it.
 */
@Injectable()
export class ReminderScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly instanceId = `${hostname()}:${process.pid}`;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  /** Every poll fails alike while MongoDB is away: logged once, then a summary a minute. */
  private readonly pollFailures: RepeatedFailureLog;

  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly reminders: RemindersRepository,
    private readonly messages: MessagesRepository,
    private readonly rooms: RoomAccess,
    private readonly outbox: Outbox,
    private readonly config: MessagingConfig,
    @InjectPinoLogger(ReminderScheduler.name) logger: PinoLogger,
  ) {
    this.pollFailures = new RepeatedFailureLog(logger, 'firing due reminders');
  }

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  /** Stops polling and lets a poll under way finish, before the MongoDB connection closes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Fires every reminder due now (up to a batch); returns how many it fired. */
  async fireDue(now = new Date()): Promise<number> {
    let fired = 0;
    if (!(await this.reminders.anyDue(now))) return fired;
    while (fired < FIRE_BATCH && !this.stopped && (await this.fireNext(now))) fired++;
    return fired;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.fireDue()
        .then(
          () => this.pollFailures.succeeded(),
          (error: unknown) => this.pollFailures.failed(error),
        )
        .finally(() => {
          this.running = null;
          this.schedule(this.config.REMINDER_POLL_MS);
        });
    }, delayMs);
  }

  /** Claims and fires the oldest due reminder; false when none is due. */
  private async fireNext(now: Date): Promise<boolean> {
    return runTransaction(this.connection, async (session) => {
      const reminder = await this.reminders.claimDue(now, this.instanceId, session);
      if (!reminder) return false;
      // Deleting a message cancels its reminders; this also covers a message changed by other means,
      // and a user who has left the room since (removed, or out of a support room's inbox team).
      const message = await this.messages.findById(reminder.account_id, reminder.message_id, session);
      const room = message ? await this.rooms.roomOfAccount(reminder.account_id, message.room_id) : null;
      const stillIn = !!room && [...room.members.map((member) => member.conversation_id), ...(room.support?.team ?? [])].some((id) => id.equals(reminder.conversation_id));
      if (!message || message.deleted || !isVisibleTo(message, reminder.conversation_id) || !stillIn) {
        await this.reminders.markCancelled(reminder.account_id, reminder._id, session);
        return true;
      }
      const data = reminderDueData(reminder);
      await this.outbox.add(session, [
        createEnvelope({
          type: EventTopics.ReminderDue,
          accountId: reminder.account_id,
          key: data.room_id,
          actor: { userId: reminder.user_id, accountId: reminder.account_id, scopes: [], conversationId: data.conversation_id },
          data,
        }),
      ]);
      return true;
    });
  }
}
