import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { Limits } from '../limits.js';

/**
 * How the document shows a page cursor. `format: cursor` names what it is, a value only a page of
 * the same list hands out (its `next` or `previous`): any other string is a 400, so a client, or a
 * fuzzer taught the format, takes cursors from pages rather than making them up.
 */
export const CURSOR_PROPERTY = { type: 'string', format: 'cursor', minLength: 1, maxLength: 512 } as const;

/**
 * Reads a whole-number query parameter as the document states it, digits only: anything else
 * (empty, `0x10`, `1e3`, ` 1`, past 2^53) stays a string for `@IsInt` to refuse naming the
 * field, where `Number()` would have read `''` as 0 and `0x10` as 16.
 */
export function QueryInteger(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d{1,16}$/.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : value));
}

/** How the document shows the size of a page. */
export const LIMIT_PROPERTY = { type: 'integer', minimum: 1, maximum: Limits.pageSizeMax, default: Limits.pageSizeDefault } as const;

/** The size of a page, every paged list's. */
class PageSizeQueryDto {
  @ApiPropertyOptional({ ...LIMIT_PROPERTY })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(1)
  @Max(Limits.pageSizeMax)
  limit?: number;
}

/** Query of a cursor-paged list: `before` and `after` are opaque cursors from a previous page. */
export class PageQueryDto extends PageSizeQueryDto {
  @ApiPropertyOptional({ ...CURSOR_PROPERTY, description: "Cursor: a page's `next`; the items that follow it in the list's order (older, in a newest-first list)" })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  before?: string;

  @ApiPropertyOptional({ ...CURSOR_PROPERTY, description: "Cursor: a page's `previous`; the items that come before it in the list's order (newer, in a newest-first list)" })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  after?: string;
}

/**
 * Query of a list paged one way only (`previous` is always null): `cursor` is the `next` of the
 * page before. For lists in an order that moves while they are read (activity, due times).
 */
export class ForwardPageQueryDto extends PageSizeQueryDto {
  @ApiPropertyOptional({ ...CURSOR_PROPERTY, description: 'Cursor: the `next` of a previous page' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  cursor?: string;
}
