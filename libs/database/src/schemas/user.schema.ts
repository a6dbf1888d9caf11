import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * The account's users as the identity service keeps them (`_users`). Parley only reads them, for
 * names in team lists and room search; a conversation whose user is gone is left out of lists.
 */
@Schema({ collection: '_users', versionKey: false, autoCreate: false, autoIndex: false })
export class User {
  /** The user id, as in the JWT's `sub`. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  account_id!: string;

  @Prop({ required: true })
  name!: string;

  @Prop()
  email?: string;
}
export const UserSchema = SchemaFactory.createForClass(User);
