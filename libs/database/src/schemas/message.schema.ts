import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types, type HydratedDocument } from 'mongoose';
import type { MessageSource } from '@parley/contracts';
import { SupportContactEntrySchema, type SupportContactEntry } from './support-assignment.schema.js';

@Schema({ _id: false })
export class Attachment {
  @Prop({ required: true })
  name!: string;

  @Prop({ required: true })
  size!: number;

  @Prop({ required: true })
  content_type!: string;

  @Prop()
  url?: string;

  @Prop()
  storage_key?: string;
}
export const AttachmentSchema = SchemaFactory.createForClass(Attachment);

/** An earlier version of a message's content: what it said until `edited_at`. */
@Schema({ _id: false })
export class MessageEdit {
  @Prop({ required: true })
  content!: string;

  /** The content as a reader sees it (no markup, entities decoded): what message search matches. */
  @Prop({ type: String })
  plain_text?: string;

  @Prop({ required: true })
  edited_at!: Date;
}
export const MessageEditSchema = SchemaFactory.createForClass(MessageEdit);

/** Where a message's SMS or email stands (mirrored from outbound-delivery's `parley.delivery.status`). */
@Schema({ _id: false })
export class MessageDelivery {
  @Prop({ type: String, enum: ['sms', 'email'], required: true })
  channel!: 'sms' | 'email';

  @Prop({ type: String, enum: ['queued', 'sent', 'delivered', 'failed'], required: true })
  status!: 'queued' | 'sent' | 'delivered' | 'failed';

  @Prop({ type: String, default: null })
  provider_id!: string | null;

  @Prop({ type: String, default: null })
  error_code!: string | null;

  @Prop({ required: true })
  updated_at!: Date;
}
export const MessageDeliverySchema = SchemaFactory.createForClass(MessageDelivery);

/** A message in a room. Written by messaging; never hard-deleted. */
@Schema({ collection: 'conversations.messages', timestamps: { createdAt: 'created', updatedAt: 'updated' } })
export class Message {
  @Prop({ required: true })
  account_id!: string;

  @Prop({ type: Types.ObjectId, required: true })
  room_id!: Types.ObjectId;

  /** Per-room sequence number, assigned in the message's own transaction: gap-free. */
  @Prop({ required: true })
  seq!: number;

  /**
   * The room's change number of the message's last write (stored, edited, deleted, its delivery or
   * read state moved): `changed_after` reads a room's changes by it. Absent on messages last
   * written before change numbers began.
   */
  @Prop({ type: Number })
  rev?: number;

  /** The author's conversation id; null when a support room's contact wrote it (see `contact`). */
  @Prop({ type: Types.ObjectId, default: null })
  conversation_id!: Types.ObjectId | null;

  /** The author's user id; for a contact, `contact:` and their contact key. */
  @Prop({ required: true })
  user_id!: string;

  /** Support rooms: the customer who wrote it. */
  @Prop({ type: SupportContactEntrySchema, default: undefined })
  contact?: SupportContactEntry;

  /** Support rooms: an internal note of the team, never sent to the contact. */
  @Prop({ default: false })
  private?: boolean;

  /** Email: the subject line. */
  @Prop({ type: String, default: undefined })
  subject?: string;

  /** Listing rooms: the contact details the account's content policy masked in it. */
  @Prop({ type: Object, default: undefined })
  policy?: { masked: ('phones' | 'emails' | 'links')[] };

  /** Listing rooms: the receiver's user id (the other participant), for the marketplace contract's `receiverId`. */
  @Prop({ type: String, default: undefined })
  receiver_user_id?: string;

  /** Listing rooms: whether the receiver read it, and when (set up to the message they marked read). */
  @Prop({ type: Boolean, default: undefined })
  is_read?: boolean;

  @Prop({ type: Date, default: undefined })
  read_at?: Date | null;

  /** Sent (or being sent) by SMS or email. */
  @Prop({ type: MessageDeliverySchema, default: undefined })
  delivery?: MessageDelivery;

  @Prop({ required: true })
  content!: string;

  /** The content as a reader sees it (no markup, entities decoded): what message search matches. */
  @Prop({ type: String })
  plain_text?: string;

  @Prop({ type: String, enum: ['chat', 'sms', 'email'], default: 'chat' })
  source!: MessageSource;

  @Prop({ type: [AttachmentSchema], default: [] })
  attachments!: Attachment[];

  @Prop({ type: String, default: null })
  client_message_id!: string | null;

  /**
   * The command that stored it and its place in that command, for a message stored without the
   * caller's clientMessageId (a send without one, an m2m create): a command run again (Kafka hands it
   * again after a crash) finds its messages stored instead of storing them twice.
   */
  @Prop({ type: String })
  command_key?: string;

  /** Conversation ids of the room's members when the message was stored: who may read it. */
  @Prop({ type: [Types.ObjectId], default: [] })
  receivers!: Types.ObjectId[];

  /** Reactions, in the order each was first given; each with who gave it, first first. Absent while none. */
  @Prop({ type: [{ _id: false, emoji: String, conversation_ids: [Types.ObjectId] }], default: undefined })
  reactions?: { emoji: string; conversation_ids: Types.ObjectId[] }[];

  /** Pinned to its room: by whom and when. Absent while not. */
  @Prop({ type: { conversation_id: { type: Types.ObjectId }, at: { type: Date } }, _id: false, default: undefined })
  pinned?: { conversation_id: Types.ObjectId; at: Date };

  /** Conversation ids of the members it mentions, as sent (each could read the room then). Absent while none. */
  @Prop({ type: [Types.ObjectId], default: undefined })
  mentions?: Types.ObjectId[];

  /** It mentions everyone who reads the room (@channel). Absent otherwise. */
  @Prop()
  mention_everyone?: boolean;

  /** Earlier versions of the content, oldest first (the current one is `content`). */
  @Prop({ type: [MessageEditSchema], default: [] })
  edits?: MessageEdit[];

  @Prop({ type: Date, default: null })
  edited_at?: Date | null;

  /** Deleted for everyone: the document and its content stay (audit), every read hides the content. */
  @Prop({ default: false })
  deleted!: boolean;

  @Prop({ type: Date, default: null })
  deleted_at?: Date | null;

  /** Who deleted it for everyone (the author, or an admin). */
  @Prop({ type: String, default: null })
  deleted_by_user_id?: string | null;

  /** Conversations that deleted the message for themselves only: it is hidden from them. */
  @Prop({ type: [Types.ObjectId], default: [] })
  deleted_by!: Types.ObjectId[];

  /**
   * The room's change number of each of those deletions, per conversation: a deletion for oneself
   * is a change in that reader's feed only, so it moves neither `rev` nor `updated`.
   */
  @Prop({ type: [{ _id: false, conversation_id: Types.ObjectId, rev: Number }], default: undefined })
  hides?: { conversation_id: Types.ObjectId; rev: number }[];

  created!: Date;
  updated!: Date;
}

export type MessageDocument = HydratedDocument<Message>;
export const MessageSchema = SchemaFactory.createForClass(Message);
MessageSchema.index({ room_id: 1, receivers: 1, deleted: 1, created: -1 });
MessageSchema.index({ room_id: 1, seq: -1 }, { unique: true });
// What changed in a room since a change number (a device back from a gap): see `rev`.
MessageSchema.index({ room_id: 1, rev: 1, _id: 1 });
// The messages that mention a member, newest first, across their rooms.
MessageSchema.index({ account_id: 1, mentions: 1, created: -1, _id: -1 }, { partialFilterExpression: { mentions: { $exists: true } } });
MessageSchema.index({ account_id: 1, mention_everyone: 1, created: -1, _id: -1 }, { partialFilterExpression: { mention_everyone: true } });
// A room's pins, newest pinned first: only pinned messages are in it.
MessageSchema.index({ room_id: 1, 'pinned.at': -1, _id: -1 }, { partialFilterExpression: { 'pinned.at': { $exists: true } } });
// A reader's own deletions in their feed of a room's changes: see `hides`.
MessageSchema.index({ room_id: 1, 'hides.conversation_id': 1, 'hides.rev': 1 }, { partialFilterExpression: { hides: { $exists: true } } });
// Whether a stored file is still attached to a live message, when one holding it is deleted.
MessageSchema.index({ account_id: 1, 'attachments.storage_key': 1 }, { partialFilterExpression: { 'attachments.storage_key': { $type: 'string' } } });
// The machine-to-machine queries of listing messages name a sender or a receiver.
MessageSchema.index({ account_id: 1, receiver_user_id: 1 }, { partialFilterExpression: { receiver_user_id: { $type: 'string' } } });
MessageSchema.index(
  { account_id: 1, conversation_id: 1, client_message_id: 1 },
  { unique: true, partialFilterExpression: { client_message_id: { $type: 'string' } } },
);
MessageSchema.index({ account_id: 1, command_key: 1 }, { unique: true, partialFilterExpression: { command_key: { $type: 'string' } } });
// The account leads the text index, so a search reads only its own account's postings (both
// searches name the account by equality, which a compound text index requires). Over the plain
// text: over the stored HTML, `strong` or `amp` found every formatted message. Last, so that on a
// database that still has the old one (see OBSOLETE_INDEXES) the indexes before it are built.
MessageSchema.index({ account_id: 1, plain_text: 'text' });

/**
 * The last sequence number and change number handed out per room. Written by messaging, in the
 * transaction of each message stored (both) or changed (`rev`).
 */
@Schema({ collection: 'conversations.message_sequences', versionKey: false })
export class MessageSequence {
  @Prop({ type: Types.ObjectId, required: true })
  _id!: Types.ObjectId;

  @Prop({ required: true })
  seq!: number;

  /** Absent in a room none of whose messages was stored or changed since change numbers began. */
  @Prop({ type: Number })
  rev?: number;
}
export const MessageSequenceSchema = SchemaFactory.createForClass(MessageSequence);
