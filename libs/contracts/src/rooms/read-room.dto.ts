import { ApiProperty } from '@nestjs/swagger';
import { IsMongoId } from 'class-validator';

/** `POST /v1/rooms/:id/read`: the caller has read everything up to this message. */
export class ReadRoomDto {
  @ApiProperty({ description: 'Id of the last message the caller has seen' })
  @IsMongoId({ message: 'messageId must be a message id' })
  messageId!: string;
}
