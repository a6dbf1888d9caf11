import { Module, type DynamicModule } from '@nestjs/common';
import { DatabaseModule, MongoProbe } from '@parley/database';
import { KafkaModule, KafkaProbe } from '@parley/kafka';
import { HealthModule, PlatformModule } from '@parley/platform';
import { StorageModule } from '@parley/storage';
import { MessagesModule } from './messages/messages.module.js';
import type { MessagingConfig } from './messaging.config.js';

/** The messaging app: the lifecycle of messages, their order and their paging. */
@Module({})
export class MessagingAppModule {
  static register(config: MessagingConfig): DynamicModule {
    return {
      module: MessagingAppModule,
      imports: [
        PlatformModule.forRoot('messaging', config),
        DatabaseModule.forRoot(config),
        KafkaModule.forRoot({ appName: 'messaging', outbox: true }),
        HealthModule.forRoot({ probes: [MongoProbe, KafkaProbe] }),
        // Attachments name stored files: messaging checks they are there.
        { ...StorageModule.forRoot(config), global: true },
        MessagesModule,
      ],
    };
  }
}
