import { ConfigError, type PlatformConfig } from '@parley/platform';

/** Where objects are kept and how requests to it are signed. */
export interface StorageSettings {
  /** Where the apps reach the S3 API. */
  endpoint: string;
  /** Where clients reach it: presigned URLs are signed for this host. */
  publicEndpoint: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
  region: string;
}

const REQUIRED = ['S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY', 'S3_SECRET_KEY'] as const;

/**
 * The storage settings of an app's config. They are optional in the shared config (most apps keep
 * no files), so an app that uses storage checks them here and refuses to start naming each missing one.
 */
export function storageSettings(config: PlatformConfig): StorageSettings {
  const missing = REQUIRED.filter((name) => !config[name]);
  if (missing.length > 0) {
    throw new ConfigError(missing.map((name) => `${name}: must be set, this app keeps attachments in S3-compatible storage`));
  }
  return {
    endpoint: config.S3_ENDPOINT as string,
    publicEndpoint: config.S3_PUBLIC_ENDPOINT ?? (config.S3_ENDPOINT as string),
    bucket: config.S3_BUCKET as string,
    accessKey: config.S3_ACCESS_KEY as string,
    secretKey: config.S3_SECRET_KEY as string,
    region: config.S3_REGION,
  };
}
