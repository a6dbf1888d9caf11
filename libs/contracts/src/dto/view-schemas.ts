import type { Type } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath, type SchemaObject } from '@nestjs/swagger';
import { CONTENT_RULES, type ContentPolicyView, type ContentRule, type MessagePolicyView } from '../accounts/content-policy.views.js';
import type { AttachmentUploadView } from '../attachments/attachments.views.js';
import type { DeliveryView } from '../delivery/delivery.views.js';
import { ID_SCHEMA } from '../ids.js';
import { Limits } from '../limits.js';
import type { ConversationMessageView, ConversationThreadView, M2mWriteResult } from '../m2m/m2m.patterns.js';
import type { FavoriteMessageView, MessageHistoryView, MessageStateView, ReminderView } from '../messaging/messaging.views.js';
import type {
  AssignmentCandidateView,
  AssignmentView,
  DurationStatsView,
  InboxMemberView,
  InboxStatsView,
  InboxView,
  SupportContact,
  SupportRoomView,
  SupportStateView,
  UnroutedInboundView,
} from '../support/support.views.js';
import type { AttachmentView, ConversationView, MessagePinView, MessageReactionView, RoomMemberView, RoomView } from '../views.js';
import { CURSOR_PROPERTY } from './page-query.dto.js';

/**
 * The views (views.ts and beside) as the OpenAPI document shows them: what a success answers. Each
 * class implements its view, so a field the code adds or renames must be added or renamed here,
 * and the contract test checks every answer against these.
 */

const id = (description?: string) => ({ ...ID_SCHEMA, ...(description ? { description } : {}) });
const time = { type: 'string', format: 'date-time' } as const;

@ApiSchema({ name: 'Conversation', description: "A user's conversation: their presence and where inbound SMS and email land" })
export class ConversationSchema implements ConversationView {
  @ApiProperty(id()) id!: string;
  @ApiProperty() account_id!: string;
  @ApiProperty({ description: 'The JWT sub' }) user_id!: string;
  @ApiPropertyOptional({ description: 'The user\'s name, where the account\'s users are known' }) name?: string;
  @ApiProperty({ enum: ['online', 'offline'] }) status!: 'online' | 'offline';
  @ApiProperty() default_sms_inbound!: boolean;
  @ApiProperty() default_email_inbound!: boolean;
  @ApiProperty(time) created!: string;
}

@ApiSchema({ name: 'RoomMember' })
export class RoomMemberSchema implements RoomMemberView {
  @ApiProperty(id()) conversation_id!: string;
  @ApiProperty() user_id!: string;
  @ApiProperty({ ...id('The last message they read'), nullable: true }) last_message_read!: string | null;
}

@ApiSchema({ name: 'SupportContact', description: 'The customer of a support room' })
export class SupportContactSchema implements SupportContact {
  @ApiPropertyOptional(id('In crm.contacts')) id?: string;
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional() phone?: string;
  @ApiPropertyOptional() email?: string;
}

@ApiSchema({ name: 'AssignmentCandidate', description: 'An inbox member as the router saw them' })
export class AssignmentCandidateSchema implements AssignmentCandidateView {
  @ApiProperty(id()) conversation_id!: string;
  @ApiProperty() online!: boolean;
  @ApiProperty({ type: 'integer', minimum: 0 }) open_rooms!: number;
  @ApiProperty({ type: 'integer', nullable: true }) capacity!: number | null;
  @ApiProperty({ type: 'string', nullable: true, description: 'Why they were passed over; null: chosen' }) passed_because!: string | null;
}

@ApiSchema({ name: 'Assignment', description: 'Who the router chose, by which rule, and why not the others' })
export class AssignmentSchema implements AssignmentView {
  @ApiProperty({ enum: ['least_busy_online', 'round_robin', 'manual', 'backlog'] }) rule!: AssignmentView['rule'];
  @ApiProperty(time) at!: string;
  @ApiProperty({ type: [AssignmentCandidateSchema] }) candidates!: AssignmentCandidateSchema[];
}

@ApiSchema({ name: 'SupportState', description: "A support room's inbox, contact, status and assignee" })
@ApiExtraModels(AssignmentSchema)
export class SupportStateSchema implements SupportStateView {
  @ApiProperty({ ...id(), nullable: true }) inbox_id!: string | null;
  @ApiProperty({ type: SupportContactSchema }) contact!: SupportContactSchema;
  @ApiProperty({ enum: ['open', 'resolved'] }) status!: SupportStateView['status'];
  @ApiProperty({ ...id(), nullable: true }) assignee!: string | null;
  // An Assignment or null, in a form OpenAPI 3.0 validators read so: `nullable` beside a $ref's allOf still requires an object.
  @ApiProperty({ anyOf: [{ $ref: getSchemaPath(AssignmentSchema) }, { type: 'object', nullable: true, enum: [null] }], description: 'The last routing decision; null while none applies (a room waiting from the start)' })
  assignment!: AssignmentSchema | null;
  @ApiProperty({ ...time, nullable: true }) first_response_at!: string | null;
  @ApiProperty({ ...time, nullable: true }) resolved_at!: string | null;
}

@ApiSchema({ name: 'Room' })
export class RoomSchema implements RoomView {
  @ApiProperty(id()) id!: string;
  @ApiProperty({ enum: ['direct', 'channel', 'listing', 'support'] }) type!: RoomView['type'];
  @ApiProperty({ type: 'string', nullable: true }) name!: string | null;
  @ApiProperty({
    type: [RoomMemberSchema],
    description: `Every member; in GET /v1/rooms the caller first and at most ${Limits.roomListMemberLimit} in all (member_count says how many there are; GET /v1/rooms/{id} lists them all)`,
  })
  members!: RoomMemberSchema[];
  @ApiProperty({ type: 'integer', minimum: 0, description: 'How many members the room has' }) member_count!: number;
  @ApiProperty({ ...id(), nullable: true }) last_message_id!: string | null;
  @ApiProperty({ ...time, nullable: true }) last_message_at!: string | null;
  @ApiProperty(time) last_activity!: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: "The caller's unread count" }) unread_count!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: "How many of the caller's unread messages mention them" }) mention_count!: number;
  @ApiProperty({ type: 'string', nullable: true }) listing_id!: string | null;
  @ApiProperty() favorite!: boolean;
  @ApiProperty({ ...time, nullable: true }) snoozed_until!: string | null;
  @ApiPropertyOptional({ type: SupportStateSchema, description: 'Support rooms only' }) support?: SupportStateSchema;
  @ApiProperty(time) created!: string;
  @ApiProperty(time) updated!: string;
}

@ApiSchema({ name: 'Attachment' })
export class AttachmentSchema implements AttachmentView {
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) size!: number;
  @ApiProperty() content_type!: string;
  @ApiPropertyOptional({ description: 'The link given, or a short-lived download link of a stored file' }) url?: string;
  @ApiPropertyOptional() storage_key?: string;
}

@ApiSchema({ name: 'Delivery', description: "Where a message's SMS or email stands" })
export class DeliverySchema implements DeliveryView {
  @ApiProperty({ enum: ['sms', 'email'] }) channel!: DeliveryView['channel'];
  @ApiProperty({ enum: ['queued', 'sent', 'delivered', 'failed'] }) status!: DeliveryView['status'];
  @ApiProperty({ type: 'string', nullable: true }) provider_id!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) error_code!: string | null;
  @ApiProperty(time) updated_at!: string;
}

@ApiSchema({ name: 'MessagePolicy', description: 'What the content policy masked in a listing message' })
export class MessagePolicySchema implements MessagePolicyView {
  @ApiProperty({ type: 'array', items: { type: 'string', enum: ['phones', 'emails', 'links'] } }) masked!: MessagePolicyView['masked'];
}

@ApiSchema({ name: 'MessageReaction', description: 'One reaction to a message and who gave it, first first' })
export class MessageReactionSchema implements MessageReactionView {
  @ApiProperty({ description: 'An emoji, or a short name such as thumbsup', minLength: 1, maxLength: Limits.reactionMaxLength }) emoji!: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) count!: number;
  @ApiProperty({ type: 'array', items: { ...id() } }) conversation_ids!: string[];
}

@ApiSchema({ name: 'MessagePin', description: 'Who pinned a message to its room, and when' })
export class MessagePinSchema implements MessagePinView {
  @ApiProperty(id()) conversation_id!: string;
  @ApiProperty(time) at!: string;
}

@ApiSchema({ name: 'Message' })
export class MessageSchema implements MessageStateView {
  @ApiProperty(id()) id!: string;
  @ApiProperty(id()) room_id!: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Per room, gap-free' }) seq!: number;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: "The room's change number of the message's last change (stored, edited, deleted, its delivery or read state moved): a newer copy of a message has a higher one; pass it as changed_after to read what changed since",
  })
  rev!: number;
  @ApiProperty({ ...id('The author; null when a support room\'s contact wrote it'), nullable: true }) conversation_id!: string | null;
  @ApiPropertyOptional({ type: SupportContactSchema }) contact?: SupportContactSchema;
  @ApiPropertyOptional() private?: boolean;
  @ApiPropertyOptional() subject?: string;
  @ApiPropertyOptional({ type: MessagePolicySchema }) policy?: MessagePolicySchema;
  @ApiPropertyOptional() is_read?: boolean;
  @ApiPropertyOptional({ ...time, nullable: true }) read_at?: string | null;
  @ApiPropertyOptional({ type: DeliverySchema }) delivery?: DeliverySchema;
  @ApiPropertyOptional({ type: [MessageReactionSchema], description: 'In the order each was first given; absent while there are none, and once deleted for everyone' })
  reactions?: MessageReactionSchema[];
  @ApiPropertyOptional({ type: MessagePinSchema, description: 'Pinned to its room; absent while not, and once deleted for everyone' }) pinned?: MessagePinSchema;
  @ApiPropertyOptional({ type: 'array', items: { ...id() }, description: 'The members it mentions (conversation ids), as sent; absent while none, and once deleted for everyone' })
  mentions?: string[];
  @ApiPropertyOptional({ enum: [true], description: 'It mentions everyone who reads the room (@channel); absent otherwise, and once deleted for everyone' })
  mention_everyone?: true;
  @ApiProperty({ description: 'Sanitized; empty once deleted for everyone' }) content!: string;
  @ApiProperty({ enum: ['chat', 'sms', 'email'] }) source!: MessageStateView['source'];
  @ApiProperty({ type: [AttachmentSchema] }) attachments!: AttachmentSchema[];
  @ApiProperty({ type: 'string', nullable: true }) client_message_id!: string | null;
  @ApiProperty(time) created!: string;
  @ApiProperty(time) updated!: string;
  @ApiProperty() deleted!: boolean;
  @ApiProperty({ ...time, nullable: true }) edited_at!: string | null;
  @ApiPropertyOptional({ enum: [true], description: 'Only in a page of changes (changed_after): the caller deleted the message for themselves; drop it' }) hidden?: true;
}

/** A support room just opened or found, with the contact's message when the request carried one. */
@ApiSchema({ name: 'OpenedSupportRoom' })
export class OpenedSupportRoomSchema extends RoomSchema {
  @ApiPropertyOptional({ type: MessageSchema, description: "The contact's message, when the request carried one" }) message?: MessageSchema;
}

class EditSchema {
  @ApiProperty() content!: string;
  @ApiProperty(time) edited_at!: string;
}

class CurrentContentSchema {
  @ApiProperty() content!: string;
  @ApiProperty({ ...time, nullable: true }) edited_at!: string | null;
}

@ApiSchema({ name: 'MessageHistory', description: "A message's earlier contents, oldest first, and the current one" })
export class MessageHistorySchema implements MessageHistoryView {
  @ApiProperty(id()) message_id!: string;
  @ApiProperty({ type: [EditSchema] }) edits!: EditSchema[];
  @ApiProperty({ type: CurrentContentSchema }) current!: CurrentContentSchema;
}

@ApiSchema({ name: 'FavoriteMessage' })
export class FavoriteMessageSchema implements FavoriteMessageView {
  @ApiProperty(id()) message_id!: string;
  @ApiProperty(id()) room_id!: string;
  @ApiProperty(time) favorited_at!: string;
  @ApiProperty({ type: MessageSchema }) message!: MessageSchema;
}

@ApiSchema({ name: 'Reminder' })
export class ReminderSchema implements ReminderView {
  @ApiProperty(id()) id!: string;
  @ApiProperty(id()) message_id!: string;
  @ApiProperty(id()) room_id!: string;
  @ApiProperty(time) at!: string;
  @ApiProperty({ enum: ['pending', 'fired', 'cancelled'] }) status!: ReminderView['status'];
}

class InboxMemberSchema implements InboxMemberView {
  @ApiProperty(id()) conversation_id!: string;
  @ApiProperty({ type: 'integer', nullable: true }) capacity!: number | null;
}

class InboxChannelsSchema {
  @ApiProperty({ type: [String] }) phone_numbers!: string[];
  @ApiProperty({ type: [String] }) email_addresses!: string[];
}

@ApiSchema({ name: 'Inbox' })
export class InboxSchema implements InboxView {
  @ApiProperty(id()) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [InboxMemberSchema] }) members!: InboxMemberSchema[];
  @ApiProperty({ type: 'integer', nullable: true }) capacity!: number | null;
  @ApiProperty({ type: InboxChannelsSchema }) channels!: InboxChannelsSchema;
  @ApiProperty(time) created!: string;
  @ApiProperty(time) updated!: string;
}

class DurationStatsSchema implements DurationStatsView {
  @ApiProperty({ type: 'integer', minimum: 0 }) count!: number;
  @ApiProperty({ type: 'number', nullable: true }) median_ms!: number | null;
  @ApiProperty({ type: 'number', nullable: true }) p90_ms!: number | null;
}

@ApiSchema({ name: 'InboxStats' })
export class InboxStatsSchema implements InboxStatsView {
  @ApiProperty(id()) inbox_id!: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) open!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) waiting!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) resolved!: number;
  @ApiProperty({ type: DurationStatsSchema }) first_response!: DurationStatsSchema;
  @ApiProperty({ type: DurationStatsSchema }) resolution!: DurationStatsSchema;
}

@ApiSchema({ name: 'SupportRoom', description: 'A room as the support listing shows it' })
export class SupportRoomSchema implements SupportRoomView {
  @ApiProperty(id()) id!: string;
  @ApiProperty({ enum: ['support'] }) type!: 'support';
  @ApiProperty({ ...id(), nullable: true }) last_message_id!: string | null;
  @ApiProperty(time) last_activity!: string;
  @ApiProperty(time) created!: string;
  @ApiProperty({ type: SupportStateSchema }) support!: SupportStateSchema;
}

@ApiSchema({ name: 'UnroutedInbound', description: 'An inbound SMS or email no inbox owned' })
export class UnroutedInboundSchema implements UnroutedInboundView {
  @ApiProperty(id()) id!: string;
  @ApiProperty({ enum: ['sms', 'email'] }) channel!: UnroutedInboundView['channel'];
  @ApiProperty() to!: string;
  @ApiProperty() from!: string;
  @ApiProperty() external_id!: string;
  @ApiProperty() content!: string;
  @ApiProperty({ type: 'string', nullable: true }) subject!: string | null;
  @ApiProperty(time) received_at!: string;
}

@ApiSchema({ name: 'ContentPolicy' })
export class ContentPolicySchema implements ContentPolicyView {
  @ApiProperty({ enum: CONTENT_RULES }) phones!: ContentRule;
  @ApiProperty({ enum: CONTENT_RULES }) emails!: ContentRule;
  @ApiProperty({ enum: CONTENT_RULES }) links!: ContentRule;
  @ApiProperty({ ...time, nullable: true }) updated!: string | null;
}

@ApiSchema({ name: 'AttachmentUpload', description: 'PUT the bytes to upload_url with headers before expires_at' })
export class AttachmentUploadSchema implements AttachmentUploadView {
  @ApiProperty() storage_key!: string;
  @ApiProperty({ format: 'uri' }) upload_url!: string;
  @ApiProperty({ enum: ['PUT'] }) method!: 'PUT';
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) headers!: Record<string, string>;
  @ApiProperty(time) expires_at!: string;
}

@ApiSchema({ name: 'ConversationMessage', description: 'A listing message in the listing conversation service\'s names' })
export class ConversationMessageSchema implements ConversationMessageView {
  @ApiProperty(id()) id!: string;
  @ApiProperty(id()) conversationThreadId!: string;
  @ApiProperty() senderId!: string;
  @ApiProperty({ type: 'string', nullable: true }) receiverId!: string | null;
  @ApiProperty() content!: string;
  @ApiProperty() isRead!: boolean;
  @ApiProperty({ ...time, nullable: true }) readAt!: string | null;
  @ApiProperty(time) sentAt!: string;
  @ApiProperty() isActive!: boolean;
}

@ApiSchema({ name: 'ConversationThread', description: 'A listing thread in the listing conversation service\'s names' })
export class ConversationThreadSchema implements ConversationThreadView {
  @ApiProperty(id()) id!: string;
  @ApiProperty() listingId!: string;
  @ApiProperty({ type: [String], description: 'The two participants\' user ids' }) participantIds!: string[];
  @ApiProperty({ ...time, nullable: true }) lastMessageAt!: string | null;
  @ApiProperty() isActive!: boolean;
  @ApiProperty(time) createdAt!: string;
}

@ApiSchema({ name: 'M2mWriteResult' })
export class M2mWriteResultSchema implements M2mWriteResult {
  @ApiProperty({ type: 'integer', minimum: 0 }) matched!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) modified!: number;
}

/**
 * How a list pages, which decides what its cursors are for: `before` and `after` both ways, a
 * forward-only `cursor` (`previous` always null), or not at all (the answer is the one page).
 */
export type Paging = 'before-after' | 'cursor' | 'none';

const PAGE_CURSORS: Record<Paging, { next: string; previous: string }> = {
  'before-after': { next: 'Older items: pass as before', previous: 'Newer items: pass as after' },
  cursor: { next: 'The items that follow: pass as cursor; null on the last page', previous: 'Always null: this list pages forward only' },
  none: { next: 'Always null: the list is not paged', previous: 'Always null: the list is not paged' },
};

/** A page of a list of `item`: `{ data, next, previous }`, the cursors null at either end. */
export function pageOf(item: Type<unknown>, paging: Paging = 'before-after'): SchemaObject {
  const cursor = { ...CURSOR_PROPERTY, nullable: true };
  return {
    type: 'object',
    required: ['data', 'next', 'previous'],
    additionalProperties: false,
    properties: {
      data: { type: 'array', items: { $ref: getSchemaPath(item) } },
      next: { ...cursor, description: PAGE_CURSORS[paging].next },
      previous: { ...cursor, description: PAGE_CURSORS[paging].previous },
    },
  };
}
