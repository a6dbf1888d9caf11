import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsNotEmpty, IsString, Matches, MaxLength, Min } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/**
 * A media type as a header value carries it: `type/subtype`, optionally with parameters, and no
 * control characters (it is sent back as the upload's signed content-type header).
 */
const MEDIA_TYPE = /^[\w!#$&^.+-]+\/[\w!#$&^.+-]+(\s*;\s*[\w!#$&^.+-]+=[^;\x00-\x1f\x7f]*)*$/;

/** `POST /v1/attachments`: the file a client is about to upload, to presign that upload. */
export class CreateAttachmentUploadDto {
  @ApiProperty({ minLength: 1, maxLength: 255, pattern: '\\S', example: 'floor plan.pdf', description: 'The file name; kept, made safe, at the end of the storage key; trimmed' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name!: string;

  @ApiProperty({ maxLength: 255, pattern: MEDIA_TYPE.source, example: 'application/pdf', description: 'The media type the upload must be sent with (ATTACHMENT_DENIED_TYPES are a 415)' })
  @IsString()
  @MaxLength(255)
  @Matches(MEDIA_TYPE, { message: 'content_type must be a media type such as image/png' })
  content_type!: string;

  @ApiProperty({ type: 'integer', minimum: 0, example: 48213, description: 'Size in bytes; the upload must be exactly this long (at most ATTACHMENT_MAX_BYTES: more is a 413)' })
  @IsInt()
  @Min(0)
  size!: number;
}
