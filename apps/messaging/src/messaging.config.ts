import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { ChannelsConfig } from '@parley/platform';

/** Settings of the messaging app, validated at start. */
export class MessagingConfig extends ChannelsConfig {
  /** Port of the health endpoint. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(65535)
  MESSAGING_PORT = 3008;

  /** How often the reminder scheduler looks for due reminders: a reminder fires at most this late. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(10)
  @Max(60_000)
  REMINDER_POLL_MS = 500;

  /** Most documents one machine-to-machine write may create or change (413 past it). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(100_000)
  M2M_BATCH_MAX = 1000;
}
