import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { Omittable } from '../dto/omittable.js';
import { ID_SCHEMA, IsId } from '../ids.js';
import { Limits } from '../limits.js';
import type { MessageSource } from '../views.js';
import { AttachmentDto } from './attachment.dto.js';

/** Content must hold more than white space. */
export const NOT_BLANK = /\S/;

/** Message content in the document: what the validators below check (sanitizing may still leave nothing: a 422). */
export const CONTENT_PROPERTY = {
  type: 'string',
  minLength: 1,
  maxLength: Limits.contentMaxLength,
  pattern: '\\S',
  description: `Text, or basic HTML that is sanitized before it is stored; at most ${Limits.contentMaxLength} characters`,
} as const;

/** `POST /v1/rooms/:id/messages`. A retry with the same clientMessageId returns the first message. */
@ApiExtraModels(AttachmentDto)
export class CreateMessageDto {
  @ApiProperty({ ...CONTENT_PROPERTY })
  @IsString()
  @IsNotEmpty()
  @MaxLength(Limits.contentMaxLength)
  @Matches(NOT_BLANK, { message: 'content must not be blank' })
  content!: string;

  @ApiPropertyOptional({ enum: ['chat', 'sms', 'email'], default: 'chat' })
  @Omittable()
  @IsIn(['chat', 'sms', 'email'])
  source?: MessageSource;

  @ApiPropertyOptional({ minLength: 1, maxLength: Limits.clientMessageIdMaxLength, description: 'Idempotency key chosen by the client' })
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(Limits.clientMessageIdMaxLength)
  clientMessageId?: string;

  @ApiPropertyOptional({
    type: 'array',
    maxItems: Limits.attachmentsMax,
    items: { allOf: [{ $ref: getSchemaPath(AttachmentDto) }], anyOf: [{ required: ['url', 'name', 'size', 'content_type'] }, { required: ['storage_key'] }] },
    description: `At most ${Limits.attachmentsMax}; each a link (url, name, size, content_type) or an upload's storage_key`,
  })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(Limits.attachmentsMax)
  @ValidateNested({ each: true })
  @Type(() => AttachmentDto)
  attachments?: AttachmentDto[];

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 200,
    pattern: '^[^\\r\\n]*$',
    description: "Email: the subject line (support rooms, source email), one line; without it an answer follows the contact's last email (`Re: <its subject>`)",
  })
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(/^[^\r\n]*$/, { message: 'subject must be one line (no CR or LF)' })
  subject?: string;

  @ApiPropertyOptional({ type: 'boolean', default: false, description: 'Support rooms: an internal note, pushed to the team and never sent to the contact' })
  @Omittable()
  @IsBoolean()
  private?: boolean;

  @ApiPropertyOptional({
    type: 'array',
    items: { ...ID_SCHEMA },
    maxItems: Limits.mentionsPerMessageMax,
    uniqueItems: true,
    description:
      "Members it mentions (conversation ids; in a support room, the inbox's team too): each one's mention_count of the room counts it while unread, and a snoozed member is told aloud. Not in listing rooms",
  })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(Limits.mentionsPerMessageMax)
  @ArrayUnique()
  @IsId('mentions must be conversation ids', { each: true })
  mentions?: string[];

  @ApiPropertyOptional({
    type: 'boolean',
    default: false,
    description: "Mentions everyone who reads the room (@channel): each member's mention_count counts it while unread. Snoozed members are still told quietly. Not in listing rooms",
  })
  @Omittable()
  @IsBoolean()
  mention_everyone?: boolean;
}
