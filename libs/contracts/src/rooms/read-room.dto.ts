import { ApiProperty } from '@nestjs/swagger';
import { ID_SCHEMA, IsId } from '../ids.js';

/** `POST /v1/rooms/:id/read`: the caller has read everything up to this message. */
export class ReadRoomDto {
  @ApiProperty({ ...ID_SCHEMA, description: 'Id of the last message the caller has seen' })
  @IsId('messageId must be a message id')
  messageId!: string;
}

/** `POST /v1/rooms/:id/unread`: the caller counts this message and every later one by others as unread again. */
export class MarkUnreadRoomDto {
  @ApiProperty({ ...ID_SCHEMA, description: 'Id of the first message to count as unread again' })
  @IsId('messageId must be a message id')
  messageId!: string;
}
