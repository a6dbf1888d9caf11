import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsMongoId, ValidateIf } from 'class-validator';

/** `POST /v1/rooms`. A direct room is unique per pair of members: creating it twice returns it. */
export class CreateRoomDto {
  @ApiProperty({ enum: ['direct'] })
  @IsIn(['direct'])
  type!: 'direct';

  @ApiPropertyOptional({ description: "The other member's conversation id (direct rooms)" })
  @ValidateIf((dto: CreateRoomDto) => dto.type === 'direct')
  @IsMongoId({ message: 'member must be a conversation id' })
  member?: string;
}
