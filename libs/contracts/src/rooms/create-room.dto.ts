import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsMongoId,
  IsNotEmpty,
  IsString,
  MaxLength,
  ValidateIf,
} from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/**
 * `POST /v1/rooms`. A direct room is unique per pair of members and a listing room per pair and
 * listing: creating one twice returns it. Channels need the admin scope.
 */
export class CreateRoomDto {
  @ApiProperty({ enum: ['direct', 'channel', 'listing'] })
  @IsIn(['direct', 'channel', 'listing'])
  type!: 'direct' | 'channel' | 'listing';

  @ApiPropertyOptional({ description: "The other member's conversation id (direct and listing rooms)" })
  @ValidateIf((dto: CreateRoomDto) => dto.type !== 'channel')
  @IsMongoId({ message: 'member must be a conversation id' })
  member?: string;

  @ApiPropertyOptional({ maxLength: 80, description: 'Channel name, unique in the account among live channels' })
  @ValidateIf((dto: CreateRoomDto) => dto.type === 'channel')
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(80)
  name?: string;

  @ApiPropertyOptional({ type: [String], description: 'Channel members besides the creator (conversation ids)' })
  @ValidateIf((dto: CreateRoomDto) => dto.type === 'channel' && dto.members !== undefined)
  @IsArray()
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @IsMongoId({ each: true, message: 'members must be conversation ids' })
  members?: string[];

  @ApiPropertyOptional({ maxLength: 200, description: 'The listing the two users talk about (listing rooms)' })
  @ValidateIf((dto: CreateRoomDto) => dto.type === 'listing')
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  listing_id?: string;
}

/** `PATCH /v1/rooms/:id`: rename a channel. */
export class UpdateRoomDto {
  @ApiProperty({ maxLength: 80 })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(80)
  name!: string;
}

/** `POST /v1/rooms/:id/members`. */
export class AddMembersDto {
  @ApiProperty({ type: [String], description: 'Conversation ids to add' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @IsMongoId({ each: true, message: 'members must be conversation ids' })
  members!: string[];
}
