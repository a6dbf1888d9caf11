import { Injectable } from '@nestjs/common';
import type { KafkaContext } from '@nestjs/microservices';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import {
  AppError,
  DeadLetterHeaders,
  Limits,
  REPLAY_FOR_HEADER,
  Scopes,
  type Actor,
  type DeadLetterListPayload,
  type DeadLetterView,
  type Page,
} from '@parley/contracts';
import { cutPage, decodeCursor, encodeCursor, onePosition, toObjectId } from '@parley/database';
import { headersText, isEnvelope, KafkaConnection } from '@parley/kafka';
import { toDeadLetterView } from './dead-letter.view.js';
import { DeadLettersRepository, type StoredDeadLetter } from './dead-letters.repository.js';

const DLQ_SUFFIX = '.dlq';
const DEAD_LETTER_HEADER_NAMES = new Set<string>(Object.values(DeadLetterHeaders));

/**
 * Every app's dead letters, kept for operators: each message of a `<topic>.dlq` is recorded once,
 * listed per account and replayed on request. A replay publishes the event again to its own topic,
 * same id, same key (so same partition and order), with the headers it first travelled with (its
 * correlation id and trace), marked for the consumer that failed it; that consumer's idempotence (its
 * processed-event ledger, or its natural key) makes a replay of what it did apply change nothing.
 */
@Injectable()
export class DeadLettersService {
  constructor(
    private readonly deadLetters: DeadLettersRepository,
    private readonly kafka: KafkaConnection,
    @InjectPinoLogger(DeadLettersService.name) private readonly logger: PinoLogger,
  ) {}

  /** Records one message of a dead-letter topic: where its event came from, who gave up on it and why. */
  async keep(payload: unknown, context: KafkaContext): Promise<void> {
    const message = context.getMessage();
    const deadLetterTopic = context.getTopic();
    const own: Record<string, string> = {};
    const parked: Record<string, string> = {};
    for (const [name, text] of Object.entries(headersText(message))) (DEAD_LETTER_HEADER_NAMES.has(name) ? parked : own)[name] = text;
    const envelope = isEnvelope(payload) ? payload : null;
    const topic = deadLetterTopic.endsWith(DLQ_SUFFIX) ? deadLetterTopic.slice(0, -DLQ_SUFFIX.length) : deadLetterTopic;
    const group = parked[DeadLetterHeaders.group];
    const position = parked[DeadLetterHeaders.partition] !== undefined && parked[DeadLetterHeaders.offset] !== undefined;
    await this.deadLetters.keep({
      account_id: envelope?.accountId ?? null,
      // One dead letter per event and consumer group: a consumer that parks the same event twice (it
      // died before committing the first parking) keeps one. Without the parking headers, the copy's own place.
      source: position && group
        ? `${topic}:${parked[DeadLetterHeaders.partition]}:${parked[DeadLetterHeaders.offset]}:${group}`
        : `${deadLetterTopic}:${context.getPartition()}:${message.offset}`,
      topic,
      partition: parked[DeadLetterHeaders.partition] !== undefined ? Number(parked[DeadLetterHeaders.partition]) : null,
      offset: parked[DeadLetterHeaders.offset] ?? null,
      key: message.key ? message.key.toString() : null,
      headers: own,
      envelope: envelope as unknown as Record<string, unknown> | null,
      value: envelope ? null : (message.value?.toString() ?? null),
      consumer: parked[DeadLetterHeaders.consumer] ?? 'unknown',
      group: parked[DeadLetterHeaders.group] ?? 'unknown',
      error: parked[DeadLetterHeaders.reason] ?? '',
      attempts: Number(parked[DeadLetterHeaders.attempts] ?? 0),
      dead_lettered_at: parked[DeadLetterHeaders.at] ? new Date(parked[DeadLetterHeaders.at]) : new Date(Number(message.timestamp)),
    });
  }

  /** The caller's account's dead letters, newest first, a page at a time. */
  async list(actor: Actor, query: DeadLetterListPayload): Promise<Page<DeadLetterView>> {
    requireAdmin(actor);
    onePosition({ before: query.before, after: query.after });
    const limit = Math.min(query.limit ?? Limits.pageSizeDefault, Limits.pageSizeMax);
    const before = query.before ? positionOf(query.before, 'before') : undefined;
    const after = query.after ? positionOf(query.after, 'after') : undefined;
    const found = await this.deadLetters.page(actor.accountId, { topic: query.topic, before, after, limit: limit + 1 });
    return cutPage(
      found,
      { limit, from: after ? 'after' : before ? 'before' : 'start' },
      (letter: StoredDeadLetter) => encodeCursor({ id: letter._id.toHexString() }),
      toDeadLetterView,
    );
  }

  /**
   * Replays a dead letter once: publishes its event again (see the class) and records who and when.
   * A dead letter replayed already is answered as it stands and not published again; if that
   * replay fails too, the consumer parks the event anew, as a dead letter of its own.
   */
  async replay(actor: Actor, deadLetterId: string): Promise<DeadLetterView> {
    requireAdmin(actor);
    const id = toObjectId(deadLetterId, 'id');
    const letter = await this.deadLetters.findOfAccount(actor.accountId, id);
    if (!letter || !letter.envelope) throw AppError.notFound('Dead letter');
    if (letter.replayed) return toDeadLetterView(letter);
    try {
      await this.kafka.publish([
        {
          topic: letter.topic,
          messages: [{ key: letter.key, value: JSON.stringify(letter.envelope), headers: { ...letter.headers, [REPLAY_FOR_HEADER]: letter.consumer } }],
        },
      ]);
    } catch (error) {
      this.logger.error({ err: error, deadLetterId }, 'replay could not be published');
      throw AppError.unavailable('Kafka did not take the replay; retry shortly');
    }
    // Published before it is marked: a crash in between leaves it replayable, and a second
    // publish is absorbed by the consumer like any redelivery.
    const marked = await this.deadLetters.markReplayed(actor.accountId, id, { at: new Date(), by: actor.userId });
    this.logger.info({ deadLetterId, topic: letter.topic, consumer: letter.consumer, eventId: (letter.envelope as { id?: string }).id, by: actor.userId }, 'dead letter replayed');
    return toDeadLetterView(marked ?? (await this.deadLetters.findOfAccount(actor.accountId, id)) ?? letter);
  }
}

function requireAdmin(actor: Actor): void {
  if (!actor.scopes.includes(Scopes.Admin)) throw AppError.forbidden(`Dead letters need the scope ${Scopes.Admin}`);
}

function positionOf(cursor: string, field: string) {
  return toObjectId(decodeCursor<{ id: string }>(cursor, field, { id: 'string' }).id, field);
}
