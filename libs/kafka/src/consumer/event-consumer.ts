import { Inject, Injectable } from '@nestjs/common';
import type { KafkaContext } from '@nestjs/microservices';
import { APP_NAME, isDependencyUnavailable, markActiveSpanFailed, Metrics } from '@parley/platform';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DeadLetterHeaders, deadLetterTopic, REPLAY_FOR_HEADER, type EventEnvelope } from '@parley/contracts';
import { KafkaConnection } from '../kafka-connection.js';
import { headersText, headerText } from '../transport/headers.js';
import { isLeftForLater, leaveForLater } from '../transport/left-for-later.js';
import { EventRun } from './event-run.js';

/** Attempts of one event before it is parked on its dead-letter topic. */
const MAX_ATTEMPTS = 5;
const FIRST_BACKOFF_MS = 100;
/** How long an event whose handler found a dependency away (MongoDB, Redis, the storage) waits before it is tried again. */
const OUTAGE_RETRY_MS = 5000;

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
 * Thrown by an event handler that gives up on its own terms (it has retried already, or knows no
 * retry can help): the event is parked on its dead-letter topic at once, without more attempts.
 */
export class DeadLetterError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
  ) {
    super(message);
    this.name = 'DeadLetterError';
  }
}

/**
 * Thrown by an event handler that must try again after `delayMs` (a provider's transient failure,
 * with its backoff) without holding up the rest of its app: the event is left unhandled, its
 * partition paused for that long, and then fetched again, while the app's other partitions and its
 * commands run on. Sleeping in the handler instead would stop them all: kafkajs fetches again only
 * once every batch of the last fetch is done. The handler keeps its own count of attempts.
 */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

/** Whether the message being handled is an operator's replay of a dead letter (the consumer it is for). */
export function replayedFor(context: KafkaContext): string | undefined {
  return headerText(context.getMessage(), REPLAY_FOR_HEADER);
}

/**
 * The one pattern for consuming events. `handle` validates the envelope, retries a failing
 * handler with backoff and, after the last attempt, parks the event on `<topic>.dlq` so the
 * partition moves on (unless what failed it is a dependency that is away: then it waits for it); the offset is committed only once one of those has happened. A handler that
 * throws RetryLaterError has its event fetched again after the delay it names. A parked event
 * carries where it came from, who gave up and why, for outbound-delivery to keep it for operators.
 */
@Injectable()
export class EventConsumer {
  constructor(
    private readonly kafka: KafkaConnection,
    @Inject(APP_NAME) private readonly appName: string,
    @InjectPinoLogger(EventConsumer.name) private readonly logger: PinoLogger,
  ) {}

  /**
   * Runs a handler for one event with retries and a dead-letter topic as the last resort. Given a
   * run (a RUNS_PER_KEY handler's payload), it tries `together` once on all of the run's events
   * (which must apply all of them or none); if that fails (or there is no `together`), the events go
   * through `handler` one by one, in order, and one left for later leaves the rest of the run too.
   */
  async handle<T>(
    consumer: string,
    payload: unknown,
    context: KafkaContext,
    handler: (envelope: EventEnvelope<T>, context: KafkaContext) => Promise<void>,
    together?: (events: { envelope: EventEnvelope<T>; context: KafkaContext }[]) => Promise<void>,
  ): Promise<void> {
    if (payload instanceof EventRun) return this.handleRun(consumer, payload, handler, together);
    const replayFor = replayedFor(context);
    // A replay is for the consumer that failed the event; the others of its topic had it already.
    if (replayFor !== undefined && replayFor !== consumer) return;
    const topic = context.getTopic();
    if (!isEnvelope(payload)) {
      await this.deadLetter(consumer, topic, context, new Error('not an event envelope'), 0);
      return;
    }
    const stopTimer = Metrics.eventHandlerDuration.startTimer({ consumer });
    for (let attempt = 1; ; attempt++) {
      try {
        await handler(payload as EventEnvelope<T>, context);
        stopTimer({ outcome: 'ok' });
        return;
      } catch (error) {
        if (error instanceof RetryLaterError) {
          leaveForLater(context.getMessage(), error.delayMs);
          stopTimer({ outcome: 'retry_later' });
          return;
        }
        if (attempt >= MAX_ATTEMPTS && isDependencyUnavailable(error)) {
          // Not the event's fault: parked, it would be lost to its consumer (a push never made)
          // until an operator replayed it. It waits for the dependency instead, its partition paused.
          this.logger.warn({ err: error, consumer, eventId: payload.id, retryInMs: OUTAGE_RETRY_MS }, 'a dependency is away: the event waits for it');
          leaveForLater(context.getMessage(), OUTAGE_RETRY_MS);
          stopTimer({ outcome: 'retry_later' });
          return;
        }
        if (attempt >= MAX_ATTEMPTS || error instanceof DeadLetterError) {
          await this.deadLetter(consumer, topic, context, error, error instanceof DeadLetterError ? error.attempts : attempt);
          stopTimer({ outcome: 'dead_lettered' });
          return;
        }
        this.logger.warn({ err: error, consumer, eventId: payload.id, attempt }, 'event handler failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, FIRST_BACKOFF_MS * 2 ** (attempt - 1)));
        await context.getHeartbeat()();
      }
    }
  }

  private async handleRun<T>(
    consumer: string,
    run: EventRun,
    handler: (envelope: EventEnvelope<T>, context: KafkaContext) => Promise<void>,
    together?: (events: { envelope: EventEnvelope<T>; context: KafkaContext }[]) => Promise<void>,
  ): Promise<void> {
    // A run with a replay in it, or a malformed event, goes one by one: those have their own paths.
    const events = run.items.flatMap(({ payload, context }) =>
      isEnvelope(payload) && replayedFor(context) === undefined ? [{ envelope: payload as EventEnvelope<T>, context }] : [],
    );
    if (together && run.items.length > 1 && events.length === run.items.length) {
      const began = performance.now();
      try {
        await together(events);
        const seconds = (performance.now() - began) / 1000 / events.length;
        for (let index = 0; index < events.length; index++) Metrics.eventHandlerDuration.observe({ consumer, outcome: 'ok' }, seconds);
        return;
      } catch (error) {
        // `together` applies all or nothing (one transaction): each event now gets its own attempts.
        this.logger.warn({ err: error, consumer, events: events.length, firstEventId: events[0].envelope.id }, 'a run of events failed together; handling them one by one');
      }
    }
    for (const { payload, context } of run.items) {
      await this.handle(consumer, payload, context, handler);
      // Later events of a key wait for an earlier one left for later, as they would one at a time.
      if (isLeftForLater(context.getMessage())) return;
    }
  }

  private async deadLetter(consumer: string, topic: string, context: KafkaContext, error: unknown, attempts: number): Promise<void> {
    const message = context.getMessage();
    const reason = error instanceof Error ? error.message : String(error);
    this.logger.error({ err: error, consumer, topic, attempts }, 'event parked on its dead-letter topic');
    Metrics.deadLettered.inc({ consumer, topic });
    markActiveSpanFailed(error);
    // A replay parked again is kept with the event's own headers: a replay of it sets its marker anew.
    const { [REPLAY_FOR_HEADER]: _replayFor, ...headers } = headersText(message);
    await this.kafka.publish([
      {
        topic: deadLetterTopic(topic),
        messages: [
          {
            key: message.key,
            value: typeof message.value === 'string' || Buffer.isBuffer(message.value) ? message.value : JSON.stringify(message.value),
            headers: {
              ...headers,
              [DeadLetterHeaders.consumer]: consumer,
              [DeadLetterHeaders.group]: this.appName,
              [DeadLetterHeaders.reason]: reason.slice(0, 1000),
              [DeadLetterHeaders.attempts]: String(attempts),
              [DeadLetterHeaders.partition]: String(context.getPartition()),
              [DeadLetterHeaders.offset]: message.offset,
              [DeadLetterHeaders.at]: new Date().toISOString(),
            },
          },
        ],
      },
    ]);
  }
}
