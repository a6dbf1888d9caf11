import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsString, Matches, MaxLength, Min, ValidateIf } from 'class-validator';
import { Omittable } from '../dto/omittable.js';

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const PORT = '(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})';
const PATH_CHAR = "([A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})";
const QUERY_CHAR = "([A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})";

/**
 * An http(s) URL with a host name or an IPv4 address, and no user info: a pattern the document
 * declares and the edge checks alike, narrow enough that whatever it lets through a browser reads as
 * a URL: a host name ends in a label that starts with a letter (a.1 or a.0x1 would be read as an
 * IPv4 address, and refused).
 */
export const WEB_URL_PATTERN =
  '^[hH][tT][tT][pP][sS]?://' +
  `(([A-Za-z0-9-]+\\.)*[A-Za-z][A-Za-z0-9-]*|(${OCTET}\\.){3}${OCTET})` +
  `(:${PORT})?(/${PATH_CHAR}*)?(\\?${QUERY_CHAR}*)?(#${QUERY_CHAR}*)?$`;

/** A file attached to a message: a link or a storage key (at least one), never the bytes themselves. */
export class AttachmentDto {
  @ApiProperty({ minLength: 1, maxLength: 255 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name!: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Size in bytes (at most ATTACHMENT_MAX_BYTES: a larger one is a 413 naming it)' })
  @IsInt()
  @Min(0)
  size!: number;

  @ApiProperty({ minLength: 1, maxLength: 255, example: 'image/png' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  content_type!: string;

  @ApiPropertyOptional({ format: 'uri', pattern: WEB_URL_PATTERN, description: 'Where the file is (http or https); required without storage_key' })
  @ValidateIf((attachment: AttachmentDto) => attachment.storage_key === undefined || attachment.url !== undefined)
  @IsString()
  @Matches(new RegExp(WEB_URL_PATTERN), { message: 'url must be an http or https URL' })
  url?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 1024, description: 'The storage_key of an upload presigned by POST /v1/attachments' })
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  storage_key?: string;
}
