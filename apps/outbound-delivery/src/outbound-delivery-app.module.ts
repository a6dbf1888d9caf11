import { Module, type DynamicModule } from '@nestjs/common';
import { DatabaseModule, MongoProbe } from '@parley/database';
import { KafkaModule, KafkaProbe } from '@parley/kafka';
import { HealthModule, PlatformModule } from '@parley/platform';
import { StorageModule } from '@parley/storage';
import { DeadLettersModule } from './dead-letters/dead-letters.module.js';
import { DeliveriesModule } from './deliveries/deliveries.module.js';
import type { OutboundDeliveryConfig } from './outbound-delivery.config.js';

/**
 * The outbound-delivery app: SMS (Twilio) and email (SendGrid) out and in, with retries and dead
 * letters, and the keeper of every app's dead letters for operators.
 */
@Module({})
export class OutboundDeliveryAppModule {
  static register(config: OutboundDeliveryConfig): DynamicModule {
    return {
      module: OutboundDeliveryAppModule,
      imports: [
        PlatformModule.forRoot('outbound-delivery', config),
        DatabaseModule.forRoot(config),
        KafkaModule.forRoot({ appName: 'outbound-delivery', outbox: true, ledger: true }),
        HealthModule.forRoot({ probes: [MongoProbe, KafkaProbe] }),
        // Emails carry their stored attachments; MMS link them.
        { ...StorageModule.forRoot(config), global: true },
        DeliveriesModule,
        DeadLettersModule,
      ],
    };
  }
}
