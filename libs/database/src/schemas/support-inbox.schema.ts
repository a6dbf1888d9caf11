import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types, type HydratedDocument } from 'mongoose';

@Schema({ _id: false })
export class InboxMember {
  @Prop({ type: Types.ObjectId, required: true })
  conversation_id!: Types.ObjectId;

  /** Open rooms this member may hold at once; null: the inbox's capacity. */
  @Prop({ type: Number, default: null })
  capacity!: number | null;

  /** When the router last gave this member a room: ties go to whoever waited longest. */
  @Prop({ type: Date, default: null })
  last_assigned_at!: Date | null;

  @Prop({ default: () => new Date() })
  added!: Date;
}
export const InboxMemberSchema = SchemaFactory.createForClass(InboxMember);

@Schema({ _id: false })
export class InboxChannels {
  @Prop({ type: [String], default: [] })
  phone_numbers!: string[];

  @Prop({ type: [String], default: [] })
  email_addresses!: string[];
}
export const InboxChannelsSchema = SchemaFactory.createForClass(InboxChannels);

/** A support inbox: the team that answers customers, and the channels that reach it. Written by support-routing. */
@Schema({ collection: 'support.inboxes', timestamps: { createdAt: 'created', updatedAt: 'updated' } })
export class SupportInbox {
  @Prop({ required: true })
  account_id!: string;

  @Prop({ required: true })
  name!: string;

  /** The name folded to lower case: unique per account among live inboxes. */
  @Prop({ required: true })
  name_key!: string;

  @Prop({ type: [InboxMemberSchema], default: [] })
  members!: InboxMember[];

  /** Open rooms a member may hold at once unless their own capacity says otherwise; null: unlimited. */
  @Prop({ type: Number, default: null })
  capacity!: number | null;

  @Prop({ type: InboxChannelsSchema, default: () => ({ phone_numbers: [], email_addresses: [] }) })
  channels!: InboxChannels;

  /** The round-robin pointer: the member who got the last round-robin room. Shared by every routing instance. */
  @Prop({ type: Types.ObjectId, default: null })
  round_robin_last!: Types.ObjectId | null;

  /**
   * Raised by every change of the inbox's assignments, inside its transaction: two routers (two
   * instances, or two rooms at once) of one inbox conflict, and one retries on the state the other
   * committed, so no room is assigned twice and no member is skipped.
   */
  @Prop({ default: 0 })
  routing_version!: number;

  @Prop({ default: false })
  deleted!: boolean;

  created!: Date;
  updated!: Date;
}

export type SupportInboxDocument = HydratedDocument<SupportInbox>;
export const SupportInboxSchema = SchemaFactory.createForClass(SupportInbox);
SupportInboxSchema.index({ account_id: 1, name_key: 1 }, { unique: true, partialFilterExpression: { deleted: false } });
SupportInboxSchema.index({ account_id: 1, deleted: 1, created: 1 });
SupportInboxSchema.index({ 'members.conversation_id': 1, deleted: 1 });
// Inbound SMS and email find their inbox by the number or address they were sent to.
SupportInboxSchema.index({ 'channels.phone_numbers': 1, deleted: 1 });
SupportInboxSchema.index({ 'channels.email_addresses': 1, deleted: 1 });
// A number or address belongs to at most one live inbox of any account: it is what an inbound SMS
// or email is routed by, and what answers go out from, so another account must not claim it.
// `$type: 'string'` leaves inboxes without any out of the index (an empty array would otherwise
// count as one shared value).
SupportInboxSchema.index(
  { 'channels.phone_numbers': 1 },
  { unique: true, name: 'channels_phone_number_owner', partialFilterExpression: { deleted: false, 'channels.phone_numbers': { $type: 'string' } } },
);
SupportInboxSchema.index(
  { 'channels.email_addresses': 1 },
  { unique: true, name: 'channels_email_address_owner', partialFilterExpression: { deleted: false, 'channels.email_addresses': { $type: 'string' } } },
);
