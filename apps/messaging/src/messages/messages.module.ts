import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import {
  ContentPolicy,
  ContentPolicySchema,
  Conversation,
  ConversationSchema,
  Message,
  MessageFavorite,
  MessageFavoriteSchema,
  MessageSchema,
  MessageSequence,
  MessageSequenceSchema,
  MessagingMigration,
  MessagingMigrationSchema,
  Reminder,
  ReminderSchema,
  Room,
  RoomSchema,
  SupportInbox,
  SupportInboxSchema,
} from '@parley/database';
import { ContentPolicyHandler } from '../content-policy/content-policy.handler.js';
import { ContentPolicyRepository } from '../content-policy/content-policy.repository.js';
import { DeliveryStatusHandler } from '../delivery/delivery-status.handler.js';
import { OutboundPlanner } from '../delivery/outbound-planner.js';
import { FavoritesHandler } from '../favorites/favorites.handler.js';
import { M2mMessagesHandler } from '../m2m/m2m-messages.handler.js';
import { M2mMessagesService } from '../m2m/m2m-messages.service.js';
import { PinsHandler } from '../pins/pins.handler.js';
import { PinsService } from '../pins/pins.service.js';
import { ReactionsHandler } from '../reactions/reactions.handler.js';
import { ReactionsService } from '../reactions/reactions.service.js';
import { FavoritesRepository } from '../favorites/favorites.repository.js';
import { FavoritesService } from '../favorites/favorites.service.js';
import { ReminderScheduler } from '../reminders/reminder-scheduler.js';
import { RemindersHandler } from '../reminders/reminders.handler.js';
import { RemindersRepository } from '../reminders/reminders.repository.js';
import { RemindersService } from '../reminders/reminders.service.js';
import { ContentSanitizer } from './content-sanitizer.js';
import { MessageAccess } from './message-access.js';
import { MessagesHandler } from './messages.handler.js';
import { MessagesRepository } from './messages.repository.js';
import { MessagesService } from './messages.service.js';
import { PlainTextBackfill } from './plain-text.backfill.js';
import { RoomAccess } from './room-access.js';
import { RoomReadHandler } from './room-read.handler.js';
import { StoredAttachments } from './stored-attachments.js';

/**
 * Messages and what hangs on them (favorites, reminders): one module, because deleting a message
 * settles its favorites and reminders in the same transaction.
 */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Message.name, schema: MessageSchema },
      { name: MessageSequence.name, schema: MessageSequenceSchema },
      { name: MessageFavorite.name, schema: MessageFavoriteSchema },
      { name: Reminder.name, schema: ReminderSchema },
      { name: MessagingMigration.name, schema: MessagingMigrationSchema },
      // read only: membership checks (rooms owns these)
      { name: Room.name, schema: RoomSchema },
      { name: Conversation.name, schema: ConversationSchema },
      { name: ContentPolicy.name, schema: ContentPolicySchema },
      // read only: who works a support room's inbox (support-routing owns it)
      { name: SupportInbox.name, schema: SupportInboxSchema },
    ]),
  ],
  controllers: [MessagesHandler, FavoritesHandler, ReactionsHandler, PinsHandler, RemindersHandler, DeliveryStatusHandler, RoomReadHandler, ContentPolicyHandler, M2mMessagesHandler],
  providers: [
    MessagesRepository,
    MessagesService,
    RoomAccess,
    MessageAccess,
    ContentSanitizer,
    FavoritesRepository,
    FavoritesService,
    ReactionsService,
    PinsService,
    RemindersRepository,
    RemindersService,
    ReminderScheduler,
    OutboundPlanner,
    StoredAttachments,
    ContentPolicyRepository,
    M2mMessagesService,
    PlainTextBackfill,
  ],
})
export class MessagesModule {}
