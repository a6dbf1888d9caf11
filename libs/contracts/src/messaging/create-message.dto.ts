import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { Limits } from '../limits.js';
import type { MessageSource } from '../views.js';
import { AttachmentDto } from './attachment.dto.js';

/** `POST /v1/rooms/:id/messages`. A retry with the same clientMessageId returns the first message. */
export class CreateMessageDto {
  @ApiProperty({ maxLength: Limits.contentMaxLength })
  @IsString()
  @IsNotEmpty()
  @MaxLength(Limits.contentMaxLength)
  content!: string;

  @ApiPropertyOptional({ enum: ['chat', 'sms', 'email'], default: 'chat' })
  @IsOptional()
  @IsIn(['chat', 'sms', 'email'])
  source?: MessageSource;

  @ApiPropertyOptional({ maxLength: Limits.clientMessageIdMaxLength, description: 'Idempotency key chosen by the client' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(Limits.clientMessageIdMaxLength)
  clientMessageId?: string;

  @ApiPropertyOptional({ type: [AttachmentDto], maxItems: Limits.attachmentsMax })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(Limits.attachmentsMax)
  @ValidateNested({ each: true })
  @Type(() => AttachmentDto)
  attachments?: AttachmentDto[];

  @ApiPropertyOptional({ maxLength: 200, description: 'Email: the subject line (support rooms, source email)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  subject?: string;

  @ApiPropertyOptional({ default: false, description: 'Support rooms: an internal note, pushed to the team and never sent to the contact' })
  @IsOptional()
  @IsBoolean()
  private?: boolean;
}
