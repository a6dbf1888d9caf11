import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, MaxLength, Min, ValidateIf } from 'class-validator';

/** A file attached to a message: a link or a storage key, never the bytes themselves. */
export class AttachmentDto {
  @ApiProperty({ maxLength: 255 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name!: string;

  @ApiProperty({ description: 'Size in bytes' })
  @IsInt()
  @Min(0)
  size!: number;

  @ApiProperty({ example: 'image/png' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  content_type!: string;

  @ApiPropertyOptional()
  @ValidateIf((attachment: AttachmentDto) => attachment.storage_key === undefined)
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true })
  url?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  storage_key?: string;
}
