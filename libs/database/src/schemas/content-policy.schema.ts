import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { HydratedDocument } from 'mongoose';
import { CONTENT_RULES, type ContentRule } from '@parley/contracts';

/**
 * An account's content policy for listing messages (`accounts.content_policies`): what to do with
 * phone numbers, email addresses and links. Written by messaging, which applies it.
 */
@Schema({ collection: 'accounts.content_policies', timestamps: { createdAt: false, updatedAt: 'updated' } })
export class ContentPolicy {
  /** The account id. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, enum: CONTENT_RULES, default: 'allow' })
  phones!: ContentRule;

  @Prop({ type: String, enum: CONTENT_RULES, default: 'allow' })
  emails!: ContentRule;

  @Prop({ type: String, enum: CONTENT_RULES, default: 'allow' })
  links!: ContentRule;

  updated!: Date;
}

export type ContentPolicyDocument = HydratedDocument<ContentPolicy>;
export const ContentPolicySchema = SchemaFactory.createForClass(ContentPolicy);
