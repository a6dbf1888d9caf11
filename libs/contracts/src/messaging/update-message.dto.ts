import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { Limits } from '../limits.js';
import { CONTENT_PROPERTY, NOT_BLANK } from './create-message.dto.js';

/** `PATCH /v1/messages/:id`: new content, sanitized as on create. */
export class UpdateMessageDto {
  @ApiProperty({ ...CONTENT_PROPERTY })
  @IsString()
  @IsNotEmpty()
  @MaxLength(Limits.contentMaxLength)
  @Matches(NOT_BLANK, { message: 'content must not be blank' })
  content!: string;
}
