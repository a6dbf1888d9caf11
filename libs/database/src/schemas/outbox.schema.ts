import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { type HydratedDocument, Schema as MongooseSchema } from 'mongoose';

/** How long published outbox entries and processed-event ledger entries are kept. */
export const OUTBOX_RETENTION_SECONDS = 7 * 24 * 3600;
export const LEDGER_RETENTION_SECONDS = 14 * 24 * 3600;

/**
 * An event waiting to be published, written in the same transaction as the state change it
 * announces. Each app has its own outbox collection (`<app>.outbox`), written only by that app.
 */
@Schema({ versionKey: false })
export class OutboxEntry {
  /** The event's envelope id. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  topic!: string;

  @Prop({ required: true })
  key!: string;

  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  envelope!: Record<string, unknown>;

  @Prop({ type: MongooseSchema.Types.Mixed, default: {} })
  headers!: Record<string, string>;

  @Prop({ required: true, default: () => new Date() })
  created_at!: Date;

  /**
   * Where the entry stands among those its app wrote in the same millisecond (a bulk's thousand share
   * one created_at): the sweep sends in created_at, then position order, which is the order written.
   */
  @Prop({ type: Number, default: 0 })
  position?: number;

  @Prop({ type: Date, default: null })
  published_at!: Date | null;
}
export type OutboxEntryDocument = HydratedDocument<OutboxEntry>;
export const OutboxEntrySchema = SchemaFactory.createForClass(OutboxEntry);
OutboxEntrySchema.index({ published_at: 1, created_at: 1, position: 1 });
OutboxEntrySchema.index({ published_at: 1 }, { expireAfterSeconds: OUTBOX_RETENTION_SECONDS });

/** Which instance of an app sweeps its outbox for unsent entries now, and until when (the lease). */
@Schema({ versionKey: false })
export class OutboxRelayState {
  /** The app's name. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, default: null })
  holder!: string | null;

  @Prop({ type: Date, default: () => new Date(0) })
  expires_at!: Date;
}
export const OutboxRelayStateSchema = SchemaFactory.createForClass(OutboxRelayState);

/**
 * The ledger of events a consumer has applied, written in the same transaction as the effect, so
 * a redelivered event changes nothing. `_id` is `<consumer>:<event id>`.
 */
@Schema({ versionKey: false })
export class ProcessedEvent {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true, default: () => new Date() })
  processed_at!: Date;
}
export const ProcessedEventSchema = SchemaFactory.createForClass(ProcessedEvent);
ProcessedEventSchema.index({ processed_at: 1 }, { expireAfterSeconds: LEDGER_RETENTION_SECONDS });
