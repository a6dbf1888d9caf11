import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { CURSOR_PROPERTY, PageQueryDto, QueryInteger } from '../dto/page-query.dto.js';
import type { MessageDeleteScope } from './messaging.commands.js';

/** Longest search text accepted. */
export const SEARCH_MAX_LENGTH = 200;
const SEARCH_PROPERTY = { minLength: 1, maxLength: SEARCH_MAX_LENGTH, pattern: '\\S' } as const;

/**
 * `GET /v1/rooms/:id/messages`. Every page is newest first. `before` pages back in time; `after`
 * (a cursor, or the id of the last message a client saw) and `after_seq` return the `limit`
 * messages right after that point, newest first, and `previous` continues forward from there.
 * `changed_after` returns what changed after a change number (`rev`) instead, the same way.
 */
export class ListMessagesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ ...CURSOR_PROPERTY, description: "A page's `next`, or a message id: the messages before it (older)" })
  declare before?: string;

  @ApiPropertyOptional({ ...CURSOR_PROPERTY, description: "A page's `previous`, or a message id: the messages after it (newer; what a client missed since it)" })
  declare after?: string;

  @ApiPropertyOptional({ type: 'integer', description: 'Only messages with a higher seq (what a client missed after seeing seq n)', minimum: 0, maximum: Number.MAX_SAFE_INTEGER })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after_seq?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    description:
      'What changed after change number n (a `rev`): the messages stored, edited, deleted (for everyone, or for the caller: `hidden`), or whose delivery or read state moved since, ' +
      'each as it is now, newest change first; `previous` continues (pass it as `after`). Not with q',
  })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  changed_after?: number;

  @ApiPropertyOptional({ ...SEARCH_PROPERTY, description: 'Text search within the room (as q of GET /v1/search)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(SEARCH_MAX_LENGTH)
  @Matches(/\S/, { message: 'q must not be blank' })
  q?: string;
}

/** `GET /v1/search`: every room the caller belongs to, newest first. */
export class SearchMessagesQueryDto extends PageQueryDto {
  @ApiProperty({ ...SEARCH_PROPERTY, description: 'Words to find (MongoDB text search: stemmed, stop words ignored). A search with Chinese, Japanese, Thai, Lao, Khmer or Myanmar text, written without spaces, finds messages containing each of its space-separated parts' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(SEARCH_MAX_LENGTH)
  @Matches(/\S/, { message: 'q must not be blank' })
  q!: string;
}

/** `DELETE /v1/messages/:id`: for the caller only (the default), or for everyone (author or admin). */
export class DeleteMessageQueryDto {
  @ApiPropertyOptional({ enum: ['me', 'everyone'], default: 'me' })
  @IsOptional()
  @IsIn(['me', 'everyone'])
  for?: MessageDeleteScope;
}
