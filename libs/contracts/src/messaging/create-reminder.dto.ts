import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601 } from 'class-validator';

/** `POST /v1/messages/:id/reminders`: when to be reminded (must be in the future). */
export class CreateReminderDto {
  @ApiProperty({ description: 'ISO 8601 time, in the future', example: '2030-01-01T09:00:00Z' })
  @IsISO8601({ strict: true }, { message: 'at must be an ISO 8601 time' })
  at!: string;
}
