import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types, type HydratedDocument } from 'mongoose';

/**
 * A message one conversation marked as a favorite. Written by messaging. Unfavoriting is a soft
 * delete (`deleted: true`); favoriting again revives the same document with a new `favorited_at`.
 */
@Schema({ collection: 'conversations.message_favorites', timestamps: { createdAt: 'created', updatedAt: 'updated' } })
export class MessageFavorite {
  @Prop({ required: true })
  account_id!: string;

  @Prop({ type: Types.ObjectId, required: true })
  conversation_id!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  message_id!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  room_id!: Types.ObjectId;

  @Prop({ required: true })
  favorited_at!: Date;

  @Prop({ default: false })
  deleted!: boolean;

  created!: Date;
  updated!: Date;
}

export type MessageFavoriteDocument = HydratedDocument<MessageFavorite>;
export const MessageFavoriteSchema = SchemaFactory.createForClass(MessageFavorite);
MessageFavoriteSchema.index({ conversation_id: 1, message_id: 1 }, { unique: true });
MessageFavoriteSchema.index({ account_id: 1, conversation_id: 1, deleted: 1, favorited_at: -1, _id: -1 });
