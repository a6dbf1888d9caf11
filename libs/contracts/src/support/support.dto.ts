import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { Omittable } from '../dto/omittable.js';
import { ID_SCHEMA, IsId } from '../ids.js';
import { ForwardPageQueryDto } from '../dto/page-query.dto.js';
import { Limits, READABLE_NAME_RULE } from '../limits.js';
import { CONTENT_PROPERTY, NOT_BLANK } from '../messaging/create-message.dto.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const lowerTrim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
const lowerTrimEach = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((item) => (typeof item === 'string' ? item.trim().toLowerCase() : item)) : value;

/** E.164: a plus, then up to fifteen digits, no leading zero. */
export const E164 = /^\+[1-9]\d{1,14}$/;
const MAX_CAPACITY = 10_000;

/** An open-room limit: absent, null (unlimited or inherited), or a whole number from 1 to MAX_CAPACITY. */
const IsCapacity = () => applyDecorators(IsOptional(), ValidateIf((_dto, value) => value !== null), IsInt(), Min(1), Max(MAX_CAPACITY));

/** The channels that feed an inbox: the numbers and addresses customers write to. */
export class InboxChannelsDto {
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', pattern: E164.source },
    maxItems: 100,
    uniqueItems: true,
    description: 'Phone numbers in E.164 (+14155550100); each in at most one inbox of the account',
  })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @Matches(E164, { each: true, message: 'phone_numbers must be E.164 numbers such as +14155550100' })
  phone_numbers?: string[];

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', format: 'email' },
    maxItems: 100,
    uniqueItems: true,
    description: 'Email addresses; each in at most one inbox of the account (compared without case)',
  })
  @Omittable()
  @Transform(lowerTrimEach)
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsEmail({}, { each: true, message: 'email_addresses must be email addresses' })
  email_addresses?: string[];
}

/** `POST /v1/support/inboxes`. */
export class CreateInboxDto {
  @ApiProperty({ minLength: 1, maxLength: 80, pattern: '\\S', description: `Unique in the account among live inboxes, whatever the case. ${READABLE_NAME_RULE}` })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(80)
  name!: string;

  @ApiProperty({ type: 'array', items: { ...ID_SCHEMA }, maxItems: 500, uniqueItems: true, description: 'Team members (conversation ids of the account)' })
  @IsArray()
  @ArrayMaxSize(500)
  @ArrayUnique()
  @IsId('members must be conversation ids', { each: true })
  members!: string[];

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_CAPACITY, nullable: true, description: 'Open rooms a member may hold at once; absent or null: unlimited' })
  @IsCapacity()
  capacity?: number | null;

  @ApiPropertyOptional({ type: InboxChannelsDto })
  @Omittable()
  @ValidateNested()
  @Type(() => InboxChannelsDto)
  channels?: InboxChannelsDto;
}

/** `PATCH /v1/support/inboxes/:id`: what is given changes. */
export class UpdateInboxDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 80, pattern: '\\S', description: READABLE_NAME_RULE })
  @Omittable()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(80)
  name?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_CAPACITY, nullable: true, description: 'null: unlimited' })
  @IsCapacity()
  capacity?: number | null;

  @ApiPropertyOptional({ type: InboxChannelsDto, description: 'Replaces the channels that are given' })
  @Omittable()
  @ValidateNested()
  @Type(() => InboxChannelsDto)
  channels?: InboxChannelsDto;
}

/** `POST /v1/support/inboxes/:id/members`: adds a member, or changes their capacity. */
export class AddInboxMemberDto {
  @ApiProperty({ ...ID_SCHEMA, description: 'Conversation id of a team member of the account' })
  @IsId('conversationId must be a conversation id')
  conversationId!: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_CAPACITY, nullable: true, description: "This member's open-room limit; null: the inbox's" })
  @IsCapacity()
  capacity?: number | null;
}

/** A customer: a CRM contact by id, or a name with a phone number or email address. */
export class SupportContactDto {
  @ApiPropertyOptional({ ...ID_SCHEMA, description: 'Id of the contact in crm.contacts (read, never written)' })
  @Omittable()
  @IsId('contact.id must be a contact id')
  id?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 200, pattern: '\\S', description: `The room's name in the team's lists. ${READABLE_NAME_RULE}` })
  @Omittable()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ pattern: E164.source, description: 'E.164, such as +14155550100' })
  @Omittable()
  @Matches(E164, { message: 'contact.phone must be an E.164 number such as +14155550100' })
  phone?: string;

  @ApiPropertyOptional({ format: 'email', description: 'Compared without case' })
  @Omittable()
  @Transform(lowerTrim)
  @IsEmail({}, { message: 'contact.email must be an email address' })
  email?: string;
}

/** `POST /v1/support/rooms`: the contact's open room in the inbox (opened and routed if none), with their message. */
export class OpenSupportRoomDto {
  @ApiProperty({ ...ID_SCHEMA, description: 'The inbox that takes the conversation' })
  @IsId('inbox_id must be an inbox id')
  inbox_id!: string;

  @ApiProperty({
    allOf: [{ $ref: getSchemaPath(SupportContactDto) }],
    anyOf: [{ required: ['id'] }, { required: ['phone'] }, { required: ['email'] }],
    description: 'At least one of id, phone or email',
  })
  @IsDefined({ message: 'contact is required' })
  @ValidateNested()
  @Type(() => SupportContactDto)
  contact!: SupportContactDto;

  @ApiPropertyOptional({ ...CONTENT_PROPERTY, description: "The contact's message" })
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(Limits.contentMaxLength)
  @Matches(NOT_BLANK, { message: 'content must not be blank' })
  content?: string;
}

/** `POST /v1/support/rooms/:id/assign`. */
export class AssignSupportRoomDto {
  @ApiProperty({ ...ID_SCHEMA, description: 'Conversation id of a member of the room\'s inbox' })
  @IsId('conversationId must be a conversation id')
  conversationId!: string;
}

/** `GET /v1/support/rooms`. */
export class ListSupportRoomsQueryDto extends ForwardPageQueryDto {
  @ApiPropertyOptional({ ...ID_SCHEMA })
  @IsOptional()
  @IsId('inbox_id must be an inbox id')
  inbox_id?: string;

  @ApiPropertyOptional({ ...ID_SCHEMA, description: 'Conversation id of the assignee; one that is not in the account is a 422' })
  @IsOptional()
  @IsId('assignee must be a conversation id')
  assignee?: string;

  @ApiPropertyOptional({ enum: ['open', 'resolved'] })
  @IsOptional()
  @IsIn(['open', 'resolved'])
  status?: 'open' | 'resolved';

  @ApiPropertyOptional({ type: 'boolean', description: 'true: only rooms nobody holds yet' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  waiting?: boolean;
}
