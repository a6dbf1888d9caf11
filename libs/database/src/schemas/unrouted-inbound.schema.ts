import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { HydratedDocument } from 'mongoose';

/**
 * An inbound SMS or email that no inbox owned (`support.unrouted`), kept so nothing is lost and an
 * admin can act on it. Written by support-routing; one per provider message id.
 */
@Schema({ collection: 'support.unrouted', timestamps: { createdAt: 'received_at', updatedAt: false } })
export class UnroutedInbound {
  /** null when the webhook did not name an account and no inbox anywhere owned the address. */
  @Prop({ type: String, default: null })
  account_id!: string | null;

  @Prop({ type: String, enum: ['sms', 'email'], required: true })
  channel!: 'sms' | 'email';

  @Prop({ required: true })
  to!: string;

  @Prop({ required: true })
  from!: string;

  @Prop({ required: true })
  external_id!: string;

  @Prop({ required: true })
  content!: string;

  @Prop({ type: String, default: null })
  subject!: string | null;

  received_at!: Date;
}

export type UnroutedInboundDocument = HydratedDocument<UnroutedInbound>;
export const UnroutedInboundSchema = SchemaFactory.createForClass(UnroutedInbound);
UnroutedInboundSchema.index({ channel: 1, external_id: 1 }, { unique: true });
UnroutedInboundSchema.index({ account_id: 1, received_at: -1 });
