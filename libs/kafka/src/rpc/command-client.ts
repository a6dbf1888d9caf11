import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ClientKafka } from '@nestjs/microservices';
import { lastValueFrom, timeout, TimeoutError } from 'rxjs';
import {
  AllPatterns,
  AppError,
  CORRELATION_ID_HEADER,
  ErrorCodes,
  type Actor,
  type CommandMessage,
} from '@parley/contracts';
import { APP_NAME, PlatformConfig } from '@parley/platform';
import { kafkaClientConfig, kafkaConsumerConfig, kafkaProducerConfig } from '../kafka.options.js';

/** Default time the gateway waits for an app's reply before answering 504. */
export const COMMAND_TIMEOUT_MS = 10_000;

export interface SendOptions {
  correlationId: string;
  /** Partition key of the request: requests with one key are handled in order. */
  key: string;
}

/**
 * Sends commands and queries to the apps over Kafka request-reply (Nest's ClientKafka) and turns
 * their error replies back into AppErrors. Replies come back on `<pattern>.reply`, on a partition
 * this instance owns.
 */
@Injectable()
export class CommandClient implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly client: ClientKafka;

  constructor(config: PlatformConfig, @Inject(APP_NAME) appName: string) {
    this.client = new ClientKafka({
      client: kafkaClientConfig(config, appName),
      consumer: kafkaConsumerConfig(config, appName),
      producer: kafkaProducerConfig(),
      run: { partitionsConsumedConcurrently: Math.max(4, config.KAFKA_PARTITIONS) },
      postfixId: '-client',
    });
    for (const pattern of AllPatterns) this.client.subscribeToResponseOf(pattern);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.client.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }

  /** Ready once this instance owns a partition of every reply topic, so every reply can reach it. */
  isReady(): boolean {
    const assignments = this.client.getConsumerAssignments();
    return AllPatterns.every((pattern) => assignments[`${pattern}.reply`] !== undefined);
  }

  /** Sends one command and waits for its reply; an app's AppError comes back as the same AppError. */
  async send<TResult, TPayload = unknown>(
    pattern: string,
    actor: Actor,
    payload: TPayload,
    options: SendOptions,
  ): Promise<TResult> {
    const value: CommandMessage<TPayload> = { actor, payload };
    const reply$ = this.client
      .send<TResult>(pattern, { key: options.key, value, headers: { [CORRELATION_ID_HEADER]: options.correlationId } })
      .pipe(timeout(COMMAND_TIMEOUT_MS));
    try {
      return await lastValueFrom(reply$);
    } catch (error) {
      if (error instanceof TimeoutError) {
        throw new AppError(ErrorCodes.UpstreamTimeout, 504, `No reply to ${pattern} within ${COMMAND_TIMEOUT_MS} ms`);
      }
      throw AppError.fromRpc(typeof error === 'string' ? safeParse(error) : error) ?? error;
    }
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
