import { ApiProperty } from '@nestjs/swagger';
import { IsCalendarTime } from '../times.js';

/** `POST /v1/messages/:id/reminders`: when to be reminded (a time already past is a 422). */
export class CreateReminderDto {
  @ApiProperty({ format: 'date-time', description: 'RFC 3339 time, in the future', example: '2030-01-01T09:00:00Z' })
  @IsCalendarTime({ message: 'at must be an RFC 3339 time on a real day, such as 2030-01-01T09:00:00Z' })
  at!: string;
}
