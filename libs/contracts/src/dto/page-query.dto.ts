import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { Limits } from '../limits.js';

/** Query of a cursor-paged list: `before` and `after` are opaque cursors from a previous page. */
export class PageQueryDto {
  @ApiPropertyOptional({ description: 'Cursor: items older than this (the `next` of a page)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  before?: string;

  @ApiPropertyOptional({ description: 'Cursor: items newer than this (the `previous` of a page)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  after?: string;

  @ApiPropertyOptional({ default: Limits.pageSizeDefault, maximum: Limits.pageSizeMax })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Limits.pageSizeMax)
  limit?: number;
}
