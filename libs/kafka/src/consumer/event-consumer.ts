import { Injectable } from '@nestjs/common';
import type { KafkaContext } from '@nestjs/microservices';
import { Metrics } from '@parley/platform';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { deadLetterTopic, type EventEnvelope } from '@parley/contracts';
import { KafkaConnection } from '../kafka-connection.js';

/** Attempts of one event before it is parked on its dead-letter topic. */
const MAX_ATTEMPTS = 5;
const FIRST_BACKOFF_MS = 100;

/** Whether a Kafka payload has the shape of an EventEnvelope. */
export function isEnvelope(value: unknown): value is EventEnvelope {
  const candidate = value as Partial<EventEnvelope> | null;
  return (
    !!candidate &&
    typeof candidate === 'object' &&
    typeof candidate.id === 'string' &&
    typeof candidate.type === 'string' &&
    typeof candidate.version === 'number' &&
    typeof candidate.accountId === 'string' &&
    typeof candidate.key === 'string' &&
    typeof candidate.data === 'object' &&
    candidate.data !== null
  );
}

/**
 * The one pattern for consuming events. `handle` validates the envelope, retries a failing
 * handler with backoff and, after the last attempt, parks the event on `<topic>.dlq` so the
 * partition moves on; the offset is committed only once one of those has happened.
 */
@Injectable()
export class EventConsumer {
  constructor(
    private readonly kafka: KafkaConnection,
    @InjectPinoLogger(EventConsumer.name) private readonly logger: PinoLogger,
  ) {}

  /** Runs a handler for one event with retries and a dead-letter topic as the last resort. */
  async handle<T>(
    consumer: string,
    payload: unknown,
    context: KafkaContext,
    handler: (envelope: EventEnvelope<T>) => Promise<void>,
  ): Promise<void> {
    const topic = context.getTopic();
    if (!isEnvelope(payload)) {
      await this.deadLetter(consumer, topic, context, new Error('not an event envelope'), 0);
      return;
    }
    const stopTimer = Metrics.eventHandlerDuration.startTimer({ consumer });
    for (let attempt = 1; ; attempt++) {
      try {
        await handler(payload as EventEnvelope<T>);
        stopTimer({ outcome: 'ok' });
        return;
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS) {
          await this.deadLetter(consumer, topic, context, error, attempt);
          stopTimer({ outcome: 'dead_lettered' });
          return;
        }
        this.logger.warn({ err: error, consumer, eventId: payload.id, attempt }, 'event handler failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, FIRST_BACKOFF_MS * 2 ** (attempt - 1)));
        await context.getHeartbeat()();
      }
    }
  }

  private async deadLetter(consumer: string, topic: string, context: KafkaContext, error: unknown, attempts: number): Promise<void> {
    const message = context.getMessage();
    const reason = error instanceof Error ? error.message : String(error);
    this.logger.error({ err: error, consumer, topic, attempts }, 'event parked on its dead-letter topic');
    Metrics.deadLettered.inc({ consumer, topic });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(message.headers ?? {})) {
      if (value !== undefined) headers[name] = Buffer.isBuffer(value) ? value.toString() : String(value);
    }
    await this.kafka.publish([
      {
        topic: deadLetterTopic(topic),
        messages: [
          {
            key: message.key,
            value: typeof message.value === 'string' || Buffer.isBuffer(message.value) ? message.value : JSON.stringify(message.value),
            headers: { ...headers, 'x-dlq-consumer': consumer, 'x-dlq-reason': reason.slice(0, 1000), 'x-dlq-attempts': String(attempts) },
          },
        ],
      },
    ]);
  }
}
