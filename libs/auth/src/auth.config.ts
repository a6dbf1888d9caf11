import { IsIn, IsOptional, IsString, MinLength, ValidateIf } from 'class-validator';
import { PlatformConfig } from '@parley/platform';

/** Settings of an app that authenticates users (gateway, realtime): an HS256 secret or an RS256 public key. */
export class AuthenticatedAppConfig extends PlatformConfig {
  @ValidateIf((config: AuthenticatedAppConfig) => !config.JWT_PUBLIC_KEY)
  @IsString({ message: 'JWT_SECRET or JWT_PUBLIC_KEY must be set' })
  @MinLength(16, { message: 'JWT_SECRET must be at least 16 characters' })
  JWT_SECRET?: string;

  /** PEM public key; when set, tokens must be RS256. */
  @IsOptional()
  @IsString()
  JWT_PUBLIC_KEY?: string;

  @IsOptional()
  @IsString()
  JWT_ISSUER?: string;

  @IsOptional()
  @IsString()
  JWT_AUDIENCE?: string;

  @IsOptional()
  @IsIn(['HS256', 'RS256'])
  JWT_ALGORITHM?: 'HS256' | 'RS256';
}
