import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types, type HydratedDocument } from 'mongoose';
import type { RoomType } from '@parley/contracts';
import { AssignmentDecisionSchema, SupportContactEntrySchema, type AssignmentDecision, type SupportContactEntry } from './support-assignment.schema.js';

@Schema({ _id: false })
export class RoomMember {
  @Prop({ type: Types.ObjectId, required: true })
  conversation_id!: Types.ObjectId;

  @Prop({ required: true })
  user_id!: string;

  @Prop({ type: Types.ObjectId, default: null })
  last_message_read!: Types.ObjectId | null;

  @Prop({ default: () => new Date() })
  joined!: Date;

  @Prop({ default: false })
  favorite!: boolean;

  /** Until when this member's pushes for the room are quiet; unread still counts. */
  @Prop({ type: Date, default: null })
  snoozed_until!: Date | null;
}
export const RoomMemberSchema = SchemaFactory.createForClass(RoomMember);

@Schema({ _id: false })
export class UnreadCount {
  @Prop({ type: Types.ObjectId, required: true })
  conversation_id!: Types.ObjectId;

  @Prop({ default: 0, min: 0 })
  count!: number;

  /** How many of the `count` unread messages mention this member. */
  @Prop({ default: 0, min: 0 })
  mention_count?: number;

  /** Sequence number of the last message this member read: older messages never count as unread. */
  @Prop({ default: 0 })
  last_read_seq!: number;

  /**
   * The room's last message when this member's count was last taken from the stored messages (a
   * read mark, a recount): the messages up to it are in the count already, so their events, should
   * they come after it (out of order, after a crash's resend), do not count them again.
   */
  @Prop({ default: 0 })
  counted_through?: number;

  /**
   * The `seq` of the member's read receipt (`members.last_message_read`), which only moves forward:
   * a member who marked the room unread from an older message keeps the receipt the others saw.
   * Absent on receipts set before it was kept.
   */
  @Prop()
  receipt_seq?: number;
}
export const UnreadCountSchema = SchemaFactory.createForClass(UnreadCount);

/**
 * A support room's support state as the room shows it: written by rooms, mirrored from
 * support-routing's `parley.support.updated` (support-routing owns the state itself).
 */
@Schema({ _id: false })
export class RoomSupport {
  /** null: a direct room of the account's default inbound conversation with the contact (no inbox owned the address). */
  @Prop({ type: Types.ObjectId, default: null })
  inbox_id!: Types.ObjectId | null;

  /** Rooms without an inbox: the number or address the contact wrote to, which answers go out from. */
  @Prop({ type: String, default: null })
  reply_from?: string | null;

  /**
   * Rooms of an inbox: the number and the address of the inbox the contact last wrote to, which
   * answers on that channel go out from while the inbox still has them (else its first).
   */
  @Prop({ type: { sms: { type: String, default: null }, email: { type: String, default: null } }, _id: false, default: null })
  written_to?: { sms?: string | null; email?: string | null } | null;

  @Prop({ type: SupportContactEntrySchema, required: true })
  contact!: SupportContactEntry;

  /** The contact's identity (CRM id, else phone, else email): one open room per contact and account. */
  @Prop({ required: true })
  contact_key!: string;

  @Prop({ type: String, enum: ['open', 'resolved'], default: 'open' })
  status!: 'open' | 'resolved';

  @Prop({ type: Types.ObjectId, default: null })
  assignee!: Types.ObjectId | null;

  @Prop({ type: AssignmentDecisionSchema, default: null })
  assignment!: AssignmentDecision | null;

  @Prop({ type: Date, default: null })
  first_response_at!: Date | null;

  @Prop({ type: Date, default: null })
  resolved_at!: Date | null;

  /** The inbox's members as of the last mirrored state: they see the room and get its pushes without being members. */
  @Prop({ type: [Types.ObjectId], default: [] })
  team!: Types.ObjectId[];

  /** The version of support-routing's state last mirrored here. */
  @Prop({ default: 0 })
  version!: number;
}
export const RoomSupportSchema = SchemaFactory.createForClass(RoomSupport);

/** A room: direct, channel, listing or support. Written by rooms. */
@Schema({ collection: 'conversations.rooms', timestamps: { createdAt: 'created', updatedAt: 'updated' } })
export class Room {
  @Prop({ required: true })
  account_id!: string;

  @Prop({ type: String, enum: ['direct', 'channel', 'listing', 'support'], required: true })
  type!: RoomType;

  @Prop({ type: String, default: null })
  name!: string | null;

  /** The channel name folded to lower case: names are unique per account among live channels, whatever the case. */
  @Prop({ type: String, default: null })
  name_key!: string | null;

  @Prop({ type: [RoomMemberSchema], default: [] })
  members!: RoomMember[];

  @Prop({ type: [UnreadCountSchema], default: [] })
  unread_count!: UnreadCount[];

  /** For direct and listing rooms: the two members' conversation ids, sorted and joined, so a pair has one room. */
  @Prop({ type: String, default: null })
  pair!: string | null;

  @Prop({ type: String, default: null })
  listing_id!: string | null;

  /** Support rooms only. */
  @Prop({ type: RoomSupportSchema, default: null })
  support?: RoomSupport | null;

  @Prop({ type: Types.ObjectId, default: null })
  last_message_id!: Types.ObjectId | null;

  /** Sequence number of the last message applied, so a redelivered or late event never moves it back. */
  @Prop({ default: 0 })
  last_message_seq!: number;

  @Prop({ default: () => new Date() })
  last_activity!: Date;

  @Prop({ default: false })
  deleted!: boolean;

  created!: Date;
  updated!: Date;
}

export type RoomDocument = HydratedDocument<Room>;
export const RoomSchema = SchemaFactory.createForClass(Room);
RoomSchema.index({ 'members.conversation_id': 1, deleted: 1, updated: -1 });
RoomSchema.index({ 'members.conversation_id': 1, deleted: 1, last_activity: -1, _id: -1 });
RoomSchema.index({ 'unread_count.conversation_id': 1, 'unread_count.count': 1 });
// The support rooms an inbox's team member works without being a member (search reads them).
RoomSchema.index({ 'support.team': 1, account_id: 1 }, { partialFilterExpression: { type: 'support' } });
RoomSchema.index(
  { account_id: 1, type: 1, pair: 1 },
  { unique: true, partialFilterExpression: { type: 'direct', pair: { $type: 'string' } } },
);
RoomSchema.index(
  { account_id: 1, name_key: 1 },
  { unique: true, partialFilterExpression: { type: 'channel', deleted: false } },
);
RoomSchema.index(
  { listing_id: 1, pair: 1 },
  { unique: true, partialFilterExpression: { type: 'listing', listing_id: { $type: 'string' } } },
);
RoomSchema.index(
  { account_id: 1, 'support.contact_key': 1 },
  { unique: true, partialFilterExpression: { type: 'support', 'support.status': 'open' } },
);
