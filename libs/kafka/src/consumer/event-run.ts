import type { KafkaContext } from '@nestjs/microservices';

/** The extras of an `@OnEvent` that say how the transport hands its events to the handler. */
export interface EventHandling {
  runsPerKey?: boolean;
}

/**
 * `@OnEvent(topic, RUNS_PER_KEY)`: the transport hands the handler every event of one key (a room)
 * that a fetch brought, in order, as one EventRun, instead of one event after another. A handler
 * whose effect takes a whole run in one write (EventConsumer.handle's `together`) then pays one
 * transaction for a thousand events of a room instead of a thousand, one after the other.
 */
export const RUNS_PER_KEY: EventHandling = { runsPerKey: true };

/** One event of a run: its payload as read from Kafka and its own message's context. */
export interface EventRunItem {
  payload: unknown;
  context: KafkaContext;
}

/** Consecutive events of one key, in offset order, handed to a RUNS_PER_KEY handler in one call. */
export class EventRun {
  constructor(readonly items: EventRunItem[]) {}
}
