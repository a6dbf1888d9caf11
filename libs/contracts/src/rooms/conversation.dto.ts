import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { Omittable } from '../dto/omittable.js';
import { PageQueryDto } from '../dto/page-query.dto.js';

/** `GET /v1/conversations`: the account's team. */
export class ListConversationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['online', 'offline'] })
  @IsOptional()
  @IsIn(['online', 'offline'])
  status?: 'online' | 'offline';

  @ApiPropertyOptional({ minLength: 1, maxLength: 100, description: "Part of the user's name" })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  search?: string;
}

/**
 * `PATCH /v1/conversations/me`: where inbound SMS and email land by default (one per account each).
 * Each field is optional, and at least one is required.
 */
export class UpdateConversationDto {
  @ApiPropertyOptional()
  @Omittable()
  @IsBoolean()
  default_sms_inbound?: boolean;

  @ApiPropertyOptional()
  @Omittable()
  @IsBoolean()
  default_email_inbound?: boolean;
}

/** `PUT /v1/conversations/me/status`. */
export class SetStatusDto {
  @ApiProperty({ enum: ['online', 'offline'] })
  @IsIn(['online', 'offline'])
  status!: 'online' | 'offline';
}
