import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import type { PresenceStatus } from '@parley/contracts';

/** Every presence change of a conversation, for history and reporting. Written by rooms. */
@Schema({ collection: 'conversations.status_history', versionKey: false })
export class PresenceHistoryEntry {
  @Prop({ required: true })
  account_id!: string;

  @Prop({ type: Types.ObjectId, required: true })
  conversation_id!: Types.ObjectId;

  @Prop({ type: String, enum: ['online', 'offline'], required: true })
  status!: PresenceStatus;

  @Prop({ type: String, enum: ['api', 'sockets'], required: true })
  source!: 'api' | 'sockets';

  @Prop({ required: true, default: () => new Date() })
  at!: Date;
}
export const PresenceHistoryEntrySchema = SchemaFactory.createForClass(PresenceHistoryEntry);
PresenceHistoryEntrySchema.index({ account_id: 1, conversation_id: 1, at: -1 });
