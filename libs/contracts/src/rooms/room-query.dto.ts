import { ApiPropertyOptional, type SchemaObject } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { Omittable } from '../dto/omittable.js';
import { PageQueryDto } from '../dto/page-query.dto.js';
import { IsCalendarTime } from '../times.js';

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** `GET /v1/rooms`: the caller's rooms, filtered. */
export class ListRoomsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['direct', 'channel', 'listing', 'support'] })
  @IsOptional()
  @IsIn(['direct', 'channel', 'listing', 'support'])
  type?: 'direct' | 'channel' | 'listing' | 'support';

  @ApiPropertyOptional({ description: 'true: only rooms with unread messages; false: only rooms with none' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  unread?: boolean;

  @ApiPropertyOptional({ description: 'true: only rooms where an unread message mentions the caller; false: only the others' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  mentioned?: boolean;

  @ApiPropertyOptional({ description: "true: only the caller's favorite rooms; false: only the others" })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  favorite?: boolean;

  @ApiPropertyOptional({ minLength: 1, maxLength: 100, description: 'Channel name, or the other user’s name in direct rooms' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  search?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 200, description: 'Listing rooms about this listing only (a seller\'s threads about one listing)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  listing_id?: string;
}

const SNOOZE_MINUTES = { type: 'integer', description: 'Minutes from now', minimum: 1, maximum: 525600 } as const;
const SNOOZE_UNTIL = { type: 'string', format: 'date-time', description: 'When the snooze ends (RFC 3339), in the future' } as const;

/** SnoozeRoomDto in the document: one of the two fields, not both. */
export const SNOOZE_ROOM_SCHEMA: SchemaObject = {
  oneOf: [
    { title: 'For a number of minutes', type: 'object', required: ['duration_minutes'], additionalProperties: false, properties: { duration_minutes: { ...SNOOZE_MINUTES } } },
    { title: 'Until a time', type: 'object', required: ['until'], additionalProperties: false, properties: { until: { ...SNOOZE_UNTIL } } },
  ],
};

/**
 * `PUT /v1/rooms/:id/snooze`: for a number of minutes, or until a time: one of the two (the gateway
 * refuses neither and both with a 400 saying so). A time already past is a 422.
 */
export class SnoozeRoomDto {
  @ApiPropertyOptional({ ...SNOOZE_MINUTES })
  @Omittable()
  @IsInt()
  @Min(1)
  @Max(525_600)
  duration_minutes?: number;

  @ApiPropertyOptional({ ...SNOOZE_UNTIL })
  @Omittable()
  @IsCalendarTime({ message: 'until must be an RFC 3339 time on a real day, such as 2030-01-01T09:00:00Z' })
  until?: string;
}
