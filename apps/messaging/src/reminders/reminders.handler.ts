import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  MessagingPatterns,
  type CommandMessage,
  type ReminderCreatePayload,
  type Page,
  type ReminderDeletePayload,
  type ReminderListPayload,
  type ReminderView,
} from '@parley/contracts';
import { RemindersService } from './reminders.service.js';

/** Reminder commands from the gateway. */
@Controller()
export class RemindersHandler {
  constructor(private readonly reminders: RemindersService) {}

  @MessagePattern(MessagingPatterns.ReminderCreate)
  create(@Payload() command: CommandMessage<ReminderCreatePayload>): Promise<ReminderView> {
    return this.reminders.create(command.actor, command.payload);
  }

  @MessagePattern(MessagingPatterns.ReminderList)
  list(@Payload() command: CommandMessage<ReminderListPayload>): Promise<Page<ReminderView>> {
    return this.reminders.list(command.actor, command.payload);
  }

  @MessagePattern(MessagingPatterns.ReminderDelete)
  async remove(@Payload() command: CommandMessage<ReminderDeletePayload>): Promise<{ deleted: true }> {
    await this.reminders.remove(command.actor, command.payload);
    return { deleted: true };
  }
}
