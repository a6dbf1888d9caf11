import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import {
  OutboxEntry,
  OutboxEntrySchema,
  OutboxRelayState,
  OutboxRelayStateSchema,
  ProcessedEvent,
  ProcessedEventSchema,
} from '@parley/database';
import { EventConsumer } from './consumer/event-consumer.js';
import { EventLedger } from './consumer/event-ledger.js';
import { KafkaConnection } from './kafka-connection.js';
import { OutboxRelay } from './outbox/outbox-relay.js';
import { Outbox } from './outbox/outbox.service.js';
import { outboxStatusHandler } from './outbox/outbox-status.handler.js';
import { CommandClient } from './rpc/command-client.js';

export interface KafkaModuleOptions {
  appName: string;
  /** The app emits events through its own outbox (`<app>.outbox`). */
  outbox?: boolean;
  /** The app applies events to MongoDB through its processed-event ledger. */
  ledger?: boolean;
  /** The app sends commands and queries to other apps (request-reply). */
  commands?: boolean;
}

/** Kafka for one app: its connection, the consumer pattern and, as asked, outbox, ledger, commands. */
@Global()
@Module({})
export class KafkaModule {
  static forRoot(options: KafkaModuleOptions): DynamicModule {
    const providers: Provider[] = [KafkaConnection, EventConsumer];
    const models = [];
    const controllers = [];
    if (options.outbox) {
      controllers.push(outboxStatusHandler(options.appName));
      providers.push(Outbox, OutboxRelay);
      models.push(
        { name: OutboxEntry.name, schema: OutboxEntrySchema, collection: `${options.appName}.outbox` },
        { name: OutboxRelayState.name, schema: OutboxRelayStateSchema, collection: `${options.appName}.outbox_relay` },
      );
    }
    if (options.ledger) {
      providers.push(EventLedger);
      models.push({ name: ProcessedEvent.name, schema: ProcessedEventSchema, collection: `${options.appName}.processed_events` });
    }
    if (options.commands) providers.push(CommandClient);
    return {
      module: KafkaModule,
      imports: models.length > 0 ? [MongooseModule.forFeature(models)] : [],
      controllers,
      providers,
      exports: providers,
    };
  }
}
