import { Module, type DynamicModule } from '@nestjs/common';
import { DatabaseModule, MongoProbe } from '@parley/database';
import { KafkaModule, KafkaProbe } from '@parley/kafka';
import { HealthModule, PlatformModule } from '@parley/platform';
import { InboundModule } from './inbound/inbound.module.js';
import { InboxesModule } from './inboxes/inboxes.module.js';
import { SupportRoomsModule } from './support-rooms/support-rooms.module.js';
import type { SupportRoutingConfig } from './support-routing.config.js';

/** The support-routing app: support inboxes, routing of customer conversations to team members, assignment. */
@Module({})
export class SupportRoutingAppModule {
  static register(config: SupportRoutingConfig): DynamicModule {
    return {
      module: SupportRoutingAppModule,
      imports: [
        PlatformModule.forRoot('support-routing', config),
        DatabaseModule.forRoot(config),
        KafkaModule.forRoot({ appName: 'support-routing', outbox: true, ledger: true }),
        HealthModule.forRoot({ probes: [MongoProbe, KafkaProbe] }),
        InboxesModule,
        SupportRoomsModule,
        InboundModule,
      ],
    };
  }
}
