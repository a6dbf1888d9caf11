import { randomUUID } from 'node:crypto';
import type { EventTopic } from './topics.js';

/** Who caused an event or sent a command. */
export interface Actor {
  userId: string;
  accountId: string;
  scopes: string[];
  /** The actor's conversation id, once known. */
  conversationId?: string;
}

/**
 * The one envelope of every Kafka event. `id` is unique per event (consumers dedupe on it);
 * `version` starts at 1 and a breaking change of `data` makes a new version, never an edit.
 */
export interface EventEnvelope<T = unknown> {
  id: string;
  type: EventTopic;
  version: number;
  occurredAt: string;
  accountId: string;
  /** The partition key: room id for room and message events, conversation id for presence. */
  key: string;
  actor: Pick<Actor, 'userId' | 'conversationId'> | null;
  data: T;
}

/** Builds an envelope with a fresh id and the current time. */
export function createEnvelope<T>(input: {
  type: EventTopic;
  accountId: string;
  key: string;
  actor: Actor | null;
  data: T;
  version?: number;
}): EventEnvelope<T> {
  return {
    id: randomUUID(),
    type: input.type,
    version: input.version ?? 1,
    occurredAt: new Date().toISOString(),
    accountId: input.accountId,
    key: input.key,
    actor: input.actor ? { userId: input.actor.userId, conversationId: input.actor.conversationId } : null,
    data: input.data,
  };
}

/** A command or query sent by the gateway: who asks, and what. */
export interface CommandMessage<T = unknown> {
  actor: Actor;
  payload: T;
}
