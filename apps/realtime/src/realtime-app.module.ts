import { Module, type DynamicModule } from '@nestjs/common';
import { DatabaseModule, MongoProbe } from '@parley/database';
import { KafkaModule, KafkaProbe } from '@parley/kafka';
import { HealthModule, PlatformModule, RedisModule, RedisProbe } from '@parley/platform';
import { PushModule } from './push/push.module.js';
import type { RealtimeConfig } from './realtime.config.js';

/** The realtime app: Socket.IO for every device, fed by Kafka events. */
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
        PushModule,
      ],
    };
  }
}
