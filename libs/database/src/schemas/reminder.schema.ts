import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types, type HydratedDocument } from 'mongoose';
import type { ReminderStatus } from '@parley/contracts';

/**
 * A reminder one conversation set on a message. Written by messaging: its scheduler moves a due
 * reminder from `pending` to `fired` in the same transaction as the `parley.reminder.due` event,
 * so each fires once; a cancelled one never fires. Never hard-deleted.
 */
@Schema({ collection: 'conversations.message_reminders', timestamps: { createdAt: 'created', updatedAt: 'updated' } })
export class Reminder {
  @Prop({ required: true })
  account_id!: string;

  /** The conversation that set it: the one that is reminded. */
  @Prop({ type: Types.ObjectId, required: true })
  conversation_id!: Types.ObjectId;

  @Prop({ required: true })
  user_id!: string;

  @Prop({ type: Types.ObjectId, required: true })
  message_id!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  room_id!: Types.ObjectId;

  @Prop({ required: true })
  at!: Date;

  @Prop({ type: String, enum: ['pending', 'fired', 'cancelled'], default: 'pending' })
  status!: ReminderStatus;

  @Prop({ type: Date, default: null })
  fired_at!: Date | null;

  /** The messaging instance that fired it (host:pid), for the audit trail. */
  @Prop({ type: String, default: null })
  fired_by!: string | null;

  @Prop({ type: Date, default: null })
  cancelled_at!: Date | null;

  created!: Date;
  updated!: Date;
}

export type ReminderDocument = HydratedDocument<Reminder>;
export const ReminderSchema = SchemaFactory.createForClass(Reminder);
// The scheduler's query: the oldest due pending reminders, across accounts.
ReminderSchema.index({ status: 1, at: 1 });
ReminderSchema.index({ account_id: 1, conversation_id: 1, message_id: 1 });
// A user's pending reminders, soonest first (GET /v1/messages/reminders).
ReminderSchema.index({ account_id: 1, conversation_id: 1, status: 1, at: 1, _id: 1 });
