import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsMongoId,
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
import { Limits } from '../limits.js';

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
  @ApiPropertyOptional({ type: [String], description: 'Phone numbers in E.164 (+14155550100); each in at most one inbox of the account' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @Matches(E164, { each: true, message: 'phone_numbers must be E.164 numbers such as +14155550100' })
  phone_numbers?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Email addresses; each in at most one inbox of the account' })
  @IsOptional()
  @Transform(lowerTrimEach)
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsEmail({}, { each: true, message: 'email_addresses must be email addresses' })
  email_addresses?: string[];
}

/** `POST /v1/support/inboxes`. */
export class CreateInboxDto {
  @ApiProperty({ maxLength: 80, description: 'Unique in the account among live inboxes, whatever the case' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(80)
  name!: string;

  @ApiProperty({ type: [String], description: 'Team members (conversation ids of the account)' })
  @IsArray()
  @ArrayMaxSize(500)
  @ArrayUnique()
  @IsMongoId({ each: true, message: 'members must be conversation ids' })
  members!: string[];

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_CAPACITY, nullable: true, description: 'Open rooms a member may hold at once; absent or null: unlimited' })
  @IsCapacity()
  capacity?: number | null;

  @ApiPropertyOptional({ type: InboxChannelsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => InboxChannelsDto)
  channels?: InboxChannelsDto;
}

/** `PATCH /v1/support/inboxes/:id`: what is given changes. */
export class UpdateInboxDto {
  @ApiPropertyOptional({ maxLength: 80 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(80)
  name?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_CAPACITY, nullable: true, description: 'null: unlimited' })
  @IsCapacity()
  capacity?: number | null;

  @ApiPropertyOptional({ type: InboxChannelsDto, description: 'Replaces the channels that are given' })
  @IsOptional()
  @ValidateNested()
  @Type(() => InboxChannelsDto)
  channels?: InboxChannelsDto;
}

/** `POST /v1/support/inboxes/:id/members`: adds a member, or changes their capacity. */
export class AddInboxMemberDto {
  @ApiProperty({ description: 'Conversation id of a team member of the account' })
  @IsMongoId({ message: 'conversationId must be a conversation id' })
  conversationId!: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_CAPACITY, nullable: true, description: "This member's open-room limit; null: the inbox's" })
  @IsCapacity()
  capacity?: number | null;
}

/** A customer: a CRM contact by id, or a name with a phone number or email address. */
export class SupportContactDto {
  @ApiPropertyOptional({ description: 'Id of the contact in crm.contacts (read, never written)' })
  @IsOptional()
  @IsMongoId({ message: 'contact.id must be a contact id' })
  id?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ description: 'E.164' })
  @IsOptional()
  @Matches(E164, { message: 'contact.phone must be an E.164 number such as +14155550100' })
  phone?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(lowerTrim)
  @IsEmail({}, { message: 'contact.email must be an email address' })
  email?: string;
}

/** `POST /v1/support/rooms`: the contact's open room in the inbox (opened and routed if none), with their message. */
export class OpenSupportRoomDto {
  @ApiProperty({ description: 'The inbox that takes the conversation' })
  @IsMongoId({ message: 'inbox_id must be an inbox id' })
  inbox_id!: string;

  @ApiProperty({ type: SupportContactDto, description: 'At least one of id, phone or email' })
  @ValidateNested()
  @Type(() => SupportContactDto)
  contact!: SupportContactDto;

  @ApiPropertyOptional({ maxLength: Limits.contentMaxLength, description: "The contact's message" })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(Limits.contentMaxLength)
  content?: string;
}

/** `POST /v1/support/rooms/:id/assign`. */
export class AssignSupportRoomDto {
  @ApiProperty({ description: 'Conversation id of a member of the room\'s inbox' })
  @IsMongoId({ message: 'conversationId must be a conversation id' })
  conversationId!: string;
}

/** `GET /v1/support/rooms`. */
export class ListSupportRoomsQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsMongoId({ message: 'inbox_id must be an inbox id' })
  inbox_id?: string;

  @ApiPropertyOptional({ description: 'Conversation id of the assignee' })
  @IsOptional()
  @IsMongoId({ message: 'assignee must be a conversation id' })
  assignee?: string;

  @ApiPropertyOptional({ enum: ['open', 'resolved'] })
  @IsOptional()
  @IsIn(['open', 'resolved'])
  status?: 'open' | 'resolved';

  @ApiPropertyOptional({ description: 'true: only rooms nobody holds yet' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  waiting?: boolean;

  @ApiPropertyOptional({ description: 'Cursor: the `next` of a previous page' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  cursor?: string;

  @ApiPropertyOptional({ default: Limits.pageSizeDefault, maximum: Limits.pageSizeMax })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Limits.pageSizeMax)
  limit?: number;
}
