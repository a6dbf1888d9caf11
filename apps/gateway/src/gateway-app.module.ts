import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '@parley/auth';
import { KafkaModule, KafkaProbe } from '@parley/kafka';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { HealthModule, PlatformModule, RedisModule, RedisProbe } from '@parley/platform';
import { StorageModule } from '@parley/storage';
import { AccountsController } from './accounts/accounts.controller.js';
import { ApiDocsController } from './api-docs/api-docs.controller.js';
import { ApiDocument } from './api-docs/api-document.js';
import { AttachmentsController } from './attachments/attachments.controller.js';
import { DeniedAttachmentTypes } from './attachments/denied-types.js';
import { ConsoleModule } from './console/console.module.js';
import { ConversationsController } from './conversations/conversations.controller.js';
import { M2mMessagesController } from './m2m/m2m-messages.controller.js';
import { M2mThreadsController } from './m2m/m2m-threads.controller.js';
import type { GatewayConfig } from './gateway.config.js';
import { MessagesController } from './messages/messages.controller.js';
import { OutboundLimits } from './messages/outbound-limits.js';
import { SearchController } from './messages/search.controller.js';
import { DeadLettersController } from './operations/dead-letters.controller.js';
import { RoomsController } from './rooms/rooms.controller.js';
import { SupportController } from './support/support.controller.js';
import { InboundMessagesService } from './webhooks/inbound-messages.service.js';
import { WebhookSignatures } from './webhooks/webhook-signatures.js';
import { WebhooksController } from './webhooks/webhooks.controller.js';
import { OverloadShedding } from './http/overload-shedding.js';
import { RateLimitInterceptor } from './http/rate-limit.interceptor.js';
import { RouteMethods } from './http/route-methods.js';
import { ReplyPartitionsProbe } from './service/reply-partitions.probe.js';
import { AdminHealthService } from './service/admin-health.service.js';
import { ServiceController } from './service/service.controller.js';

/** The gateway: the HTTP API, authenticated, validated, and turned into Kafka commands. Stateless. */
@Module({})
export class GatewayAppModule {
  /** `routes` is the route table main.ts learns from the published document (for 405s and early refusals). */
  static register(config: GatewayConfig, routes: RouteMethods): DynamicModule {
    return {
      module: GatewayAppModule,
      imports: [
        PlatformModule.forRoot('gateway', config),
        KafkaModule.forRoot({ appName: 'gateway', commands: true }),
        RedisModule.forRoot(config.REDIS_URL),
        HealthModule.forRoot({ probes: [KafkaProbe, ReplyPartitionsProbe, RedisProbe], controller: false }),
        AuthModule,
        StorageModule.forRoot(config),
        ConsoleModule.register(config),
      ],
      controllers: [ServiceController, ApiDocsController, ConversationsController, RoomsController, MessagesController, SearchController, SupportController, WebhooksController, AttachmentsController, AccountsController, M2mMessagesController, M2mThreadsController, DeadLettersController],
      providers: [
        ApiDocument,
        AdminHealthService,
        WebhookSignatures,
        InboundMessagesService,
        DeniedAttachmentTypes,
        OutboundLimits,
        { provide: RouteMethods, useValue: routes },
        OverloadShedding,
        { provide: APP_INTERCEPTOR, useExisting: OverloadShedding },
        { provide: APP_INTERCEPTOR, useClass: RateLimitInterceptor },
      ],
    };
  }
}
