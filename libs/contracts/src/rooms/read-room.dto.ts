import { ApiProperty } from '@nestjs/swagger';
import { ID_SCHEMA, IsId } from '../ids.js';

/** `POST /v1/rooms/:id/read`: the caller has read everything up to this message. */
export class ReadRoomDto {
  @ApiProperty({ ...ID_SCHEMA, description: 'Id of the last message the caller has seen' })
  @IsId('messageId must be a message id')
  messageId!: string;
}
