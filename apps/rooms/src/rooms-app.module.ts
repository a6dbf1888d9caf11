import { Module, type DynamicModule } from '@nestjs/common';
import { DatabaseModule, MongoProbe } from '@parley/database';
import { KafkaModule, KafkaProbe } from '@parley/kafka';
import { HealthModule, PlatformModule } from '@parley/platform';
import { ConversationsModule } from './conversations/conversations.module.js';
import { RoomsModule } from './rooms/rooms.module.js';
import type { RoomsConfig } from './rooms.config.js';

/** The rooms app: conversations, rooms, membership, read state and unread counts. */
@Module({})
export class RoomsAppModule {
  static register(config: RoomsConfig): DynamicModule {
    return {
      module: RoomsAppModule,
      imports: [
        PlatformModule.forRoot('rooms', config),
        DatabaseModule.forRoot(config),
        KafkaModule.forRoot({ appName: 'rooms', outbox: true, ledger: true }),
        HealthModule.forRoot({ probes: [MongoProbe, KafkaProbe] }),
        ConversationsModule,
        RoomsModule,
      ],
    };
  }
}
