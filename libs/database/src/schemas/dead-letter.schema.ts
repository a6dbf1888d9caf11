import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { type HydratedDocument, Schema as MongooseSchema } from 'mongoose';

/** Who replayed a dead letter, and when. */
@Schema({ _id: false })
export class DeadLetterReplay {
  @Prop({ required: true })
  at!: Date;

  /** The operator's user id. */
  @Prop({ required: true })
  by!: string;
}
export const DeadLetterReplaySchema = SchemaFactory.createForClass(DeadLetterReplay);

/**
 * An event a consumer gave up on (`ops.dead_letters`), kept from its dead-letter topic for an
 * operator to see and replay. Written by outbound-delivery only, which consumes every `<topic>.dlq`;
 * one document per event and consumer group that parked it (`source`), so a redelivered or re-parked one is kept once.
 */
@Schema({ collection: 'ops.dead_letters', versionKey: false })
export class DeadLetter {
  /** null for a message that was not an event envelope: it names no account, so no account lists it. */
  @Prop({ type: String, default: null })
  account_id!: string | null;

  /** `<topic>:<partition>:<offset>:<group>`: the parked event's place and who parked it (a copy without parking headers: its own place on the dead-letter topic). */
  @Prop({ required: true })
  source!: string;

  /** The event's own topic, and where it was on it (null when the parking consumer did not say). */
  @Prop({ required: true })
  topic!: string;

  @Prop({ type: Number, default: null })
  partition!: number | null;

  /** A Kafka offset (int64) as text. */
  @Prop({ type: String, default: null })
  offset!: string | null;

  @Prop({ type: String, default: null })
  key!: string | null;

  /** The headers the event travelled with (correlation id, trace context), the dead-letter ones left out. */
  @Prop({ type: MongooseSchema.Types.Mixed, default: {} })
  headers!: Record<string, string>;

  /** The event envelope; null when the message was not one (then `value` keeps its text). */
  @Prop({ type: MongooseSchema.Types.Mixed, default: null })
  envelope!: Record<string, unknown> | null;

  @Prop({ type: String, default: null })
  value!: string | null;

  /** The consumer (handler) that gave up, and its app (consumer group). */
  @Prop({ required: true })
  consumer!: string;

  @Prop({ required: true })
  group!: string;

  @Prop({ required: true })
  error!: string;

  @Prop({ required: true })
  attempts!: number;

  @Prop({ required: true })
  dead_lettered_at!: Date;

  @Prop({ type: DeadLetterReplaySchema, default: null })
  replayed!: DeadLetterReplay | null;
}

export type DeadLetterDocument = HydratedDocument<DeadLetter>;
export const DeadLetterSchema = SchemaFactory.createForClass(DeadLetter);
DeadLetterSchema.index({ source: 1 }, { unique: true });
// Listing: an account's newest first, all topics or one.
DeadLetterSchema.index({ account_id: 1, _id: -1 });
DeadLetterSchema.index({ account_id: 1, topic: 1, _id: -1 });
