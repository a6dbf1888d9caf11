import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Types } from 'mongoose';

/**
 * The account's customers as its CRM keeps them (`crm.contacts`). Parley only reads them: a support
 * room about a known contact takes the name, number and address from here.
 */
@Schema({ collection: 'crm.contacts', versionKey: false, autoCreate: false, autoIndex: false })
export class CrmContact {
  _id!: Types.ObjectId;

  @Prop({ required: true })
  account_id!: string;

  @Prop()
  name?: string;

  /** E.164 */
  @Prop()
  phone?: string;

  @Prop()
  email?: string;
}
export const CrmContactSchema = SchemaFactory.createForClass(CrmContact);
