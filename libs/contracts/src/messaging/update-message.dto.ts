import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Limits } from '../limits.js';

/** `PATCH /v1/messages/:id`: new content, sanitized as on create. */
export class UpdateMessageDto {
  @ApiProperty({ maxLength: Limits.contentMaxLength })
  @IsString()
  @IsNotEmpty()
  @MaxLength(Limits.contentMaxLength)
  content!: string;
}
