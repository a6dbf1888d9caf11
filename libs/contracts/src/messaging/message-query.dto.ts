import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { PageQueryDto } from '../dto/page-query.dto.js';
import type { MessageDeleteScope } from './messaging.commands.js';

/** Longest search text accepted. */
export const SEARCH_MAX_LENGTH = 200;

/**
 * `GET /v1/rooms/:id/messages`. Every page is newest first. `before` pages back in time; `after`
 * (a cursor, or the id of the last message a client saw) and `after_seq` return the `limit`
 * messages right after that point, newest first, and `previous` continues forward from there.
 */
export class ListMessagesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only messages with a higher seq (what a client missed after seeing seq n)', minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after_seq?: number;

  @ApiPropertyOptional({ description: 'Text search within the room', maxLength: SEARCH_MAX_LENGTH })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(SEARCH_MAX_LENGTH)
  q?: string;
}

/** `GET /v1/search`: every room the caller belongs to, newest first. */
export class SearchMessagesQueryDto extends PageQueryDto {
  @ApiProperty({ description: 'Words to find (MongoDB text search: stemmed, stop words ignored)', maxLength: SEARCH_MAX_LENGTH })
  @IsString()
  @IsNotEmpty()
  @MaxLength(SEARCH_MAX_LENGTH)
  q!: string;
}

/** `DELETE /v1/messages/:id`: for the caller only (the default), or for everyone (author or admin). */
export class DeleteMessageQueryDto {
  @ApiPropertyOptional({ enum: ['me', 'everyone'], default: 'me' })
  @IsOptional()
  @IsIn(['me', 'everyone'])
  for?: MessageDeleteScope;
}
