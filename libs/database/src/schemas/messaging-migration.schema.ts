import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** A one-time data migration messaging has finished on this database, so it never scans for it again. Written by messaging. */
@Schema({ collection: 'messaging.migrations', versionKey: false })
export class MessagingMigration {
  /** The migration's name, e.g. `message-plain-text`. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  done_at!: Date;
}
export const MessagingMigrationSchema = SchemaFactory.createForClass(MessagingMigration);
