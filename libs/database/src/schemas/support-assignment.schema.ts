import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types, type HydratedDocument } from 'mongoose';
import type { AssignmentRule, SupportStatus } from '@parley/contracts';

@Schema({ _id: false })
export class SupportContactEntry {
  @Prop()
  id?: string;

  @Prop()
  name?: string;

  @Prop()
  phone?: string;

  @Prop()
  email?: string;
}
export const SupportContactEntrySchema = SchemaFactory.createForClass(SupportContactEntry);

@Schema({ _id: false })
export class AssignmentCandidate {
  @Prop({ type: Types.ObjectId, required: true })
  conversation_id!: Types.ObjectId;

  @Prop({ required: true })
  online!: boolean;

  @Prop({ required: true })
  open_rooms!: number;

  @Prop({ type: Number, default: null })
  capacity!: number | null;

  /** Why the router passed this member over; null for the one it chose. */
  @Prop({ type: String, default: null })
  passed_because!: string | null;
}
export const AssignmentCandidateSchema = SchemaFactory.createForClass(AssignmentCandidate);

@Schema({ _id: false })
export class AssignmentDecision {
  @Prop({ type: String, enum: ['least_busy_online', 'round_robin', 'manual', 'backlog'], required: true })
  rule!: AssignmentRule;

  @Prop({ required: true })
  at!: Date;

  @Prop({ type: [AssignmentCandidateSchema], default: [] })
  candidates!: AssignmentCandidate[];
}
export const AssignmentDecisionSchema = SchemaFactory.createForClass(AssignmentDecision);

/**
 * The support state of one support room: its inbox, contact, status, assignee and why, and its
 * response times. Written by support-routing; rooms mirrors it onto the room from
 * `parley.support.updated`.
 */
@Schema({ collection: 'support.assignments', timestamps: { createdAt: 'created', updatedAt: 'updated' } })
export class SupportAssignment {
  @Prop({ required: true })
  account_id!: string;

  /** The room: one support state per room. */
  @Prop({ type: Types.ObjectId, required: true })
  room_id!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  inbox_id!: Types.ObjectId;

  @Prop({ type: SupportContactEntrySchema, required: true })
  contact!: SupportContactEntry;

  @Prop({ type: String, enum: ['open', 'resolved'], default: 'open' })
  status!: SupportStatus;

  @Prop({ type: Types.ObjectId, default: null })
  assignee!: Types.ObjectId | null;

  @Prop({ type: AssignmentDecisionSchema, default: null })
  assignment!: AssignmentDecision | null;

  /** Since when the room waits for an assignee (opened or reopened); null once assigned. Oldest first. */
  @Prop({ type: Date, default: null })
  waiting_since!: Date | null;

  /** When the contact first wrote: first response time runs from here. */
  @Prop({ type: Date, default: null })
  contact_first_message_at!: Date | null;

  @Prop({ type: Date, default: null })
  first_response_at!: Date | null;

  @Prop({ type: Date, default: null })
  resolved_at!: Date | null;

  @Prop({ required: true })
  opened_at!: Date;

  @Prop({ type: Types.ObjectId, default: null })
  last_message_id!: Types.ObjectId | null;

  @Prop({ required: true })
  last_activity!: Date;

  /** Raised by every change, so the room's mirror of this state never goes back to an older one. */
  @Prop({ default: 1 })
  version!: number;

  created!: Date;
  updated!: Date;
}

export type SupportAssignmentDocument = HydratedDocument<SupportAssignment>;
export const SupportAssignmentSchema = SchemaFactory.createForClass(SupportAssignment);
SupportAssignmentSchema.index({ room_id: 1 }, { unique: true });
// The router's reads: waiting rooms oldest first, open rooms per assignee.
SupportAssignmentSchema.index({ inbox_id: 1, status: 1, assignee: 1, waiting_since: 1 });
// The backlog sweep: which inboxes have waiting rooms at all.
SupportAssignmentSchema.index({ status: 1, assignee: 1, account_id: 1, inbox_id: 1 });
// Listings: newest activity first.
SupportAssignmentSchema.index({ account_id: 1, inbox_id: 1, last_activity: -1, _id: -1 });
SupportAssignmentSchema.index({ account_id: 1, assignee: 1, last_activity: -1, _id: -1 });
