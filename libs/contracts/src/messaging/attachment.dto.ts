import { ApiPropertyOptional } from '@nestjs/swagger';
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

/** A stored upload's name, size and type come from the storage; a link must give them. */
const GIVEN_OR_LINK = (attachment: AttachmentDto, value: unknown) => attachment.storage_key === undefined || value !== undefined;

/**
 * A file attached to a message: a link or a storage key (at least one), never the bytes themselves.
 * A link gives its name, size and type; a storage key needs nothing else (the upload's size and type
 * are read from the storage, its name from the key unless given).
 */
export class AttachmentDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 255, description: 'Required with url; with storage_key, the file name the upload was presigned with unless given' })
  @ValidateIf(GIVEN_OR_LINK)
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Size in bytes (at most ATTACHMENT_MAX_BYTES: a larger one is a 413 naming it); required with url, read from the storage with storage_key' })
  @ValidateIf(GIVEN_OR_LINK)
  @IsInt()
  @Min(0)
  size?: number;

  @ApiPropertyOptional({ minLength: 1, maxLength: 255, example: 'image/png', description: 'Required with url; read from the storage with storage_key' })
  @ValidateIf(GIVEN_OR_LINK)
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  content_type?: string;

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
