import type { CustomStrategy } from '@nestjs/microservices';
import { logLevel, type ConsumerConfig, type KafkaConfig } from 'kafkajs';
import { kafkaBrokerList, type PlatformConfig } from '@parley/platform';
import { kafkajsLogCreator } from './kafka-log.js';
import { COMMAND_TIMEOUT_MS } from './rpc/command-timeout.js';
import { KafkaTransportServer } from './transport/kafka-transport.server.js';

/**
 * How long one event batch keeps starting messages before the app fetches again: a command queued
 * behind a backlog waits about this long (plus the messages in flight), not for the whole backlog.
 */
const EVENT_BATCH_BUDGET_MS = 250;

/**
 * The most one fetch takes of a partition. A batch cut short by its budget is fetched again from
 * its first unhandled message, and every fetch is decoded whole: kafkajs' 1 MB would decode
 * thousands of events each round of a long backlog to handle a few hundred.
 */
const MAX_BYTES_PER_PARTITION = 256 * 1024;

/** kafkajs client settings: quick reconnects, warnings and errors only, in the app's own log. */
export function kafkaClientConfig(config: PlatformConfig, clientId: string): KafkaConfig {
  return {
    clientId,
    brokers: kafkaBrokerList(config),
    connectionTimeout: 3000,
    retry: { initialRetryTime: 100, maxRetryTime: 5000, retries: 10 },
    logLevel: logLevel.WARN,
    logCreator: kafkajsLogCreator,
  };
}

/**
 * Consumer settings tuned for small, fast request-reply: a fetch that Kafka answers as soon as
 * data arrives (the wait only bounds idle polls), one-second heartbeats and short session and
 * rebalance timeouts, so a joining or leaving instance costs milliseconds, not kafkajs' seconds.
 */
export function kafkaConsumerConfig(config: PlatformConfig, groupId: string): ConsumerConfig {
  return {
    groupId,
    maxWaitTimeInMs: config.KAFKA_MAX_WAIT_MS,
    minBytes: 1,
    maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
    sessionTimeout: 10_000,
    rebalanceTimeout: 10_000,
    heartbeatInterval: 1000,
    allowAutoTopicCreation: false,
    retry: { initialRetryTime: 100, maxRetryTime: 5000, retries: 10 },
  };
}

/** The Kafka transport of an app that consumes: one consumer group per app, named after it. */
export function kafkaServerOptions(config: PlatformConfig, appName: string): CustomStrategy {
  return {
    strategy: new KafkaTransportServer({
      client: kafkaClientConfig(config, appName),
      consumer: kafkaConsumerConfig(config, appName),
      partitionsConsumedConcurrently: 64,
      commandTtlMs: COMMAND_TIMEOUT_MS,
      eventBatchBudgetMs: EVENT_BATCH_BUDGET_MS,
    }),
  };
}
