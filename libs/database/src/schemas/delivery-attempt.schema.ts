import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { HydratedDocument } from 'mongoose';

@Schema({ _id: false })
export class ProviderAttempt {
  @Prop({ required: true })
  at!: Date;

  /**
   * `sent`, `found` (an earlier call had sent it), why the call failed (`transient`, `permanent`),
   * or `replayed`: an operator replayed the failed delivery's dead letter, and attempts start again.
   */
  @Prop({ required: true })
  outcome!: string;

  @Prop({ type: String, default: null })
  provider_id!: string | null;

  @Prop({ type: String, default: null })
  error_code!: string | null;
}
export const ProviderAttemptSchema = SchemaFactory.createForClass(ProviderAttempt);

/**
 * One message's SMS or email delivery (`delivery.attempts`), keyed by the message id. Written by
 * outbound-delivery, before each provider call (`calling`) and after it, so a process that dies in
 * between finds the call on restart and asks the provider before sending again.
 */
@Schema({ collection: 'delivery.attempts', timestamps: { createdAt: 'created', updatedAt: 'updated' } })
export class DeliveryAttempt {
  /** The message id. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  account_id!: string;

  @Prop({ required: true })
  room_id!: string;

  @Prop({ type: String, enum: ['sms', 'email'], required: true })
  channel!: 'sms' | 'email';

  @Prop({ type: String, enum: ['twilio', 'sendgrid'], required: true })
  provider!: 'twilio' | 'sendgrid';

  @Prop({ required: true })
  to!: string;

  @Prop({ required: true })
  from!: string;

  /** `pending` → `calling` (a provider call may be out) → `sent` → `delivered`, or `failed`. */
  @Prop({ type: String, enum: ['pending', 'calling', 'sent', 'delivered', 'failed'], default: 'pending' })
  state!: 'pending' | 'calling' | 'sent' | 'delivered' | 'failed';

  @Prop({ type: Date, default: null })
  calling_since!: Date | null;

  @Prop({ type: String, default: null })
  provider_id!: string | null;

  @Prop({ type: String, default: null })
  error_code!: string | null;

  @Prop({ type: [ProviderAttemptSchema], default: [] })
  attempts!: ProviderAttempt[];

  created!: Date;
  updated!: Date;
}

export type DeliveryAttemptDocument = HydratedDocument<DeliveryAttempt>;
export const DeliveryAttemptSchema = SchemaFactory.createForClass(DeliveryAttempt);
// Provider reports name the provider's id.
DeliveryAttemptSchema.index({ provider: 1, provider_id: 1 });

/** How long a provider's report for an unknown message is kept for its delivery to claim. */
export const EARLY_REPORT_RETENTION_SECONDS = 24 * 3600;

/**
 * A provider's report that came before outbound-delivery had recorded the provider's id for the
 * delivery (`delivery.early_reports`, keyed `<provider>:<provider id>`): the call's answer was lost
 * and its retry had not yet asked the provider, or the process died mid-call. The delivery claims
 * it when it records that id. Reports no delivery claims (a message Parley did not send, on a
 * shared provider account) expire after a day. Written by outbound-delivery.
 */
@Schema({ collection: 'delivery.early_reports', versionKey: false })
export class EarlyDeliveryReport {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, enum: ['delivered', 'failed'], required: true })
  state!: 'delivered' | 'failed';

  @Prop({ type: String, default: null })
  error_code!: string | null;

  @Prop({ required: true, default: () => new Date() })
  received_at!: Date;
}

export const EarlyDeliveryReportSchema = SchemaFactory.createForClass(EarlyDeliveryReport);
EarlyDeliveryReportSchema.index({ received_at: 1 }, { expireAfterSeconds: EARLY_REPORT_RETENTION_SECONDS });
