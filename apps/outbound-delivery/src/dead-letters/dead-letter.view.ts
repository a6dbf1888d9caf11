import type { DeadLetterView, EventEnvelope } from '@parley/contracts';
import type { StoredDeadLetter } from './dead-letters.repository.js';

/** A kept dead letter as operators see it (only those of an account, so always an event envelope). */
export function toDeadLetterView(letter: StoredDeadLetter): DeadLetterView {
  return {
    id: letter._id.toHexString(),
    account_id: letter.account_id ?? '',
    topic: letter.topic,
    partition: letter.partition,
    offset: letter.offset,
    key: letter.key,
    headers: letter.headers ?? {},
    event: letter.envelope as unknown as EventEnvelope,
    consumer: letter.consumer,
    group: letter.group,
    error: letter.error,
    attempts: letter.attempts,
    dead_lettered_at: letter.dead_lettered_at.toISOString(),
    replayed: letter.replayed ? { at: letter.replayed.at.toISOString(), by: letter.replayed.by } : null,
  };
}
