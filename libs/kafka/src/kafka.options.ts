import { Transport, type KafkaOptions } from '@nestjs/microservices';
import { logLevel, Partitioners, type ConsumerConfig, type KafkaConfig, type ProducerConfig } from 'kafkajs';
import { kafkaBrokerList, type PlatformConfig } from '@parley/platform';

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
 * Consumer settings tuned for small, fast request-reply: a short fetch wait (Kafka answers at once
 * when data arrives; the wait only bounds idle polls), one-second heartbeats and short session and
 * rebalance timeouts, so a joining or leaving instance costs milliseconds, not kafkajs' seconds.
 */
export function kafkaConsumerConfig(config: PlatformConfig, groupId: string): Omit<ConsumerConfig, 'partitionAssigners'> {
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

/** Producer settings: the default partitioner named (kafkajs warns otherwise), every replica acks. */
export function kafkaProducerConfig(): ProducerConfig {
  return {
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  };
}

/** The Nest Kafka transport of an app that consumes: one consumer group per app, named after it. */
export function kafkaServerOptions(config: PlatformConfig, appName: string): KafkaOptions {
  return {
    transport: Transport.KAFKA,
    options: {
      client: kafkaClientConfig(config, appName),
      consumer: kafkaConsumerConfig(config, appName),
      producer: kafkaProducerConfig(),
      subscribe: { fromBeginning: true },
      run: { partitionsConsumedConcurrently: Math.max(4, config.KAFKA_PARTITIONS) },
      postfixId: '',
    },
  };
}
