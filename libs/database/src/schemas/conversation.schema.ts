import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { HydratedDocument } from 'mongoose';
import type { PresenceStatus } from '@parley/contracts';

/** A user's presence in an account's chat: one per (account, user). Written by rooms. */
@Schema({ collection: 'conversations', timestamps: { createdAt: 'created', updatedAt: 'updated' } })
export class Conversation {
  @Prop({ required: true })
  account_id!: string;

  @Prop({ required: true })
  user_id!: string;

  @Prop({ type: String, enum: ['online', 'offline'], default: 'offline' })
  status!: PresenceStatus;

  @Prop({ default: false })
  default_sms_inbound!: boolean;

  @Prop({ default: false })
  default_email_inbound!: boolean;

  created!: Date;
  updated!: Date;
}

export type ConversationDocument = HydratedDocument<Conversation>;
export const ConversationSchema = SchemaFactory.createForClass(Conversation);
ConversationSchema.index({ user_id: 1, account_id: 1 }, { unique: true });
ConversationSchema.index({ account_id: 1, status: 1, _id: 1 });
// At most one default inbox per account for each channel.
ConversationSchema.index({ account_id: 1 }, { unique: true, name: 'one_default_sms_inbound', partialFilterExpression: { default_sms_inbound: true } });
ConversationSchema.index({ account_id: 1 }, { unique: true, name: 'one_default_email_inbound', partialFilterExpression: { default_email_inbound: true } });
