import { Module, type DynamicModule } from '@nestjs/common';
import type { PlatformConfig } from '@parley/platform';
import { ObjectStorage, STORAGE_SETTINGS } from './object-storage.js';
import { storageSettings } from './storage-settings.js';

/** S3-compatible object storage for an app that keeps files (the gateway's attachments). */
@Module({})
export class StorageModule {
  /**
   * Throws a ConfigError naming each missing S3_* setting, before the app starts: the settings are
   * optional in the shared config, required here.
   */
  static forRoot(config: PlatformConfig): DynamicModule {
    return {
      module: StorageModule,
      providers: [{ provide: STORAGE_SETTINGS, useValue: storageSettings(config) }, ObjectStorage],
      exports: [ObjectStorage],
    };
  }
}
