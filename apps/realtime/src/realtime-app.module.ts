import { Module, type DynamicModule } from '@nestjs/common';
import { DatabaseModule, MongoProbe } from '@parley/database';
import { KafkaModule, KafkaProbe } from '@parley/kafka';
import { HealthModule, PlatformModule, RedisModule, RedisProbe } from '@parley/platform';
import { PresenceModule } from './presence/presence.module.js';
import { PushModule } from './push/push.module.js';
import type { RealtimeConfig } from './realtime.config.js';
import { SocketModule } from './socket/socket.module.js';

/** The realtime app: Socket.IO for every device, fed by Kafka events. It writes nothing durable. */
@Module({})
export class RealtimeAppModule {
  static register(config: RealtimeConfig): DynamicModule {
    return {
      module: RealtimeAppModule,
      imports: [
        PlatformModule.forRoot('realtime', config),
        DatabaseModule.forRoot(config),
        RedisModule.forRoot(config.REDIS_URL),
        KafkaModule.forRoot({ appName: 'realtime' }),
        HealthModule.forRoot({ probes: [MongoProbe, KafkaProbe, RedisProbe] }),
        SocketModule,
        PushModule,
        PresenceModule,
      ],
    };
  }
}
