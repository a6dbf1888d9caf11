import type { CustomStrategy } from '@nestjs/microservices';
import { logLevel, type ConsumerConfig, type KafkaConfig } from 'kafkajs';
import { kafkaBrokerList, type PlatformConfig } from '@parley/platform';
import { COMMAND_TIMEOUT_MS } from './rpc/command-timeout.js';
import { KafkaTransportServer } from './transport/kafka-transport.server.js';

/** kafkajs client settings: quick reconnects, warnings and errors only in the log. */
export function kafkaClientConfig(config: PlatformConfig, clientId: string): KafkaConfig {
  return {
    clientId,
    brokers: kafkaBrokerList(config),
    connectionTimeout: 3000,
    retry: { initialRetryTime: 100, maxRetryTime: 5000, retries: 10 },
    logLevel: logLevel.WARN,
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
    }),
  };
}
