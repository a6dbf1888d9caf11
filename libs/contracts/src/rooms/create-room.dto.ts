import { ApiProperty, ApiPropertyOptional, type SchemaObject } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsString,
  MaxLength,
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import { ID_SCHEMA, IsId } from '../ids.js';
import { READABLE_NAME_RULE } from '../limits.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

type CreatedRoomType = 'direct' | 'channel' | 'listing';
const ROOM_TYPES: CreatedRoomType[] = ['direct', 'channel', 'listing'];
const CHANNEL_NAME_MAX = 80;
const CHANNEL_NAME_RULES = `Channel name, unique in the account among live channels (case aside). ${READABLE_NAME_RULE}`;
const LISTING_ID_MAX = 200;
const MEMBERS_MAX = 1000;

/**
 * A field of some room types only: given for another type it is refused and named, as an unknown
 * field is, rather than ignored (a client that sends `name` for a direct room has misunderstood).
 */
function OnlyFor(...types: CreatedRoomType[]): PropertyDecorator {
  return ValidateBy({
    name: 'onlyForRoomTypes',
    validator: {
      validate: (value, args) => {
        const type = (args?.object as CreateRoomDto).type;
        return value === undefined || !ROOM_TYPES.includes(type) || types.includes(type);
      },
      defaultMessage: (args) => `${args?.property} is not a field of a ${(args?.object as CreateRoomDto).type} room`,
    },
  });
}

/**
 * `POST /v1/rooms`. A direct room is unique per pair of members and a listing room per pair and
 * listing: creating one twice returns it. Channels need the admin scope. Each type has its own
 * fields (CREATE_ROOM_SCHEMA is the document's picture of it).
 */
export class CreateRoomDto {
  @ApiProperty({ enum: ROOM_TYPES })
  @IsIn(ROOM_TYPES)
  type!: CreatedRoomType;

  @ApiPropertyOptional({ ...ID_SCHEMA, description: "The other member's conversation id (direct and listing rooms)" })
  @ValidateIf((dto: CreateRoomDto) => dto.type !== 'channel' || dto.member !== undefined)
  @OnlyFor('direct', 'listing')
  @IsId('member must be a conversation id')
  member?: string;

  @ApiPropertyOptional({ maxLength: CHANNEL_NAME_MAX, description: CHANNEL_NAME_RULES })
  @ValidateIf((dto: CreateRoomDto) => dto.type === 'channel' || dto.name !== undefined)
  @OnlyFor('channel')
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(CHANNEL_NAME_MAX)
  name?: string;

  @ApiPropertyOptional({ type: 'array', items: { ...ID_SCHEMA }, description: 'Channel members besides the creator (conversation ids)' })
  @ValidateIf((dto: CreateRoomDto) => dto.members !== undefined)
  @OnlyFor('channel')
  @IsArray()
  @ArrayMaxSize(MEMBERS_MAX)
  @ArrayUnique()
  @IsId('members must be conversation ids', { each: true })
  members?: string[];

  @ApiPropertyOptional({ maxLength: LISTING_ID_MAX, description: 'The listing the two users talk about (listing rooms)' })
  @ValidateIf((dto: CreateRoomDto) => dto.type === 'listing' || dto.listing_id !== undefined)
  @OnlyFor('listing')
  @IsString()
  @IsNotEmpty()
  @MaxLength(LISTING_ID_MAX)
  listing_id?: string;
}

const member: SchemaObject = { ...ID_SCHEMA, description: "The other member's conversation id" };

/** CreateRoomDto in the document: one shape per type, each with exactly the fields the validators let through. */
export const CREATE_ROOM_SCHEMA: SchemaObject = {
  oneOf: [
    {
      title: 'A direct room with one other member (returned, 200, if the pair has one)',
      type: 'object',
      required: ['type', 'member'],
      additionalProperties: false,
      properties: { type: { type: 'string', enum: ['direct'] }, member },
    },
    {
      title: 'A channel (admins)',
      type: 'object',
      required: ['type', 'name'],
      additionalProperties: false,
      properties: {
        type: { type: 'string', enum: ['channel'] },
        name: { type: 'string', minLength: 1, maxLength: CHANNEL_NAME_MAX, pattern: '\\S', description: CHANNEL_NAME_RULES },
        members: { type: 'array', maxItems: MEMBERS_MAX, uniqueItems: true, items: { ...ID_SCHEMA }, description: 'Members besides the creator (conversation ids)' },
      },
    },
    {
      title: 'A listing room: two users about one listing (returned, 200, if the pair has one for it)',
      type: 'object',
      required: ['type', 'member', 'listing_id'],
      additionalProperties: false,
      properties: {
        type: { type: 'string', enum: ['listing'] },
        member,
        listing_id: { type: 'string', minLength: 1, maxLength: LISTING_ID_MAX },
      },
    },
  ],
};

/** `PATCH /v1/rooms/:id`: rename a channel. */
export class UpdateRoomDto {
  @ApiProperty({ minLength: 1, maxLength: CHANNEL_NAME_MAX, pattern: '\\S', description: CHANNEL_NAME_RULES })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(CHANNEL_NAME_MAX)
  name!: string;
}

/** `POST /v1/rooms/:id/members`. */
export class AddMembersDto {
  @ApiProperty({ type: 'array', items: { ...ID_SCHEMA }, minItems: 1, maxItems: MEMBERS_MAX, uniqueItems: true, description: 'Conversation ids to add' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MEMBERS_MAX)
  @ArrayUnique()
  @IsId('members must be conversation ids', { each: true })
  members!: string[];
}
