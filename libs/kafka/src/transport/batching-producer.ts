import type { Message, Producer } from 'kafkajs';
import { GroupCommit, type Outcome } from '@parley/database';

/**
 * The most one produce request carries. Kafka refuses a partition's record batch over the broker's
 * message.max.bytes (1 MB by default), and kafkajs makes one batch of all a request holds for a
 * partition: the events of a bulk create of a thousand messages (or a sweep of 500 outbox entries)
 * were refused whole, again and again, and reached no consumer.
 */
export const MAX_REQUEST_BYTES = 512 * 1024;

/** About what a message weighs on the wire: its value, key and headers. */
function weightOf(message: Message): number {
  const bytes = (value: unknown) => (value == null ? 0 : typeof value === 'string' ? Buffer.byteLength(value) : Buffer.isBuffer(value) ? value.length : String(value).length);
  let weight = 64 + bytes(message.value) + bytes(message.key);
  for (const [name, value] of Object.entries(message.headers ?? {})) weight += Buffer.byteLength(name) + bytes(value);
  return weight;
}

/** One produce request: messages by topic, and which of the queued items (by index) it carries. */
export interface ProduceRequest {
  topicMessages: Map<string, Message[]>;
  items: Set<number>;
}

/**
 * The produce requests for queued items, in order: messages grouped by topic, a new request once
 * one would pass MAX_REQUEST_BYTES (a single message over it goes alone, for Kafka to judge).
 */
export function requestsOf(items: { topic: string; messages: Message[] }[], maxBytes = MAX_REQUEST_BYTES): ProduceRequest[] {
  const requests: ProduceRequest[] = [];
  let current: ProduceRequest = { topicMessages: new Map(), items: new Set() };
  let weight = 0;
  items.forEach(({ topic, messages }, index) => {
    for (const message of messages) {
      const size = weightOf(message);
      if (weight > 0 && weight + size > maxBytes) {
        requests.push(current);
        current = { topicMessages: new Map(), items: new Set() };
        weight = 0;
      }
      let queued = current.topicMessages.get(topic);
      if (!queued) current.topicMessages.set(topic, (queued = []));
      queued.push(message);
      current.items.add(index);
      weight += size;
    }
  });
  if (current.topicMessages.size > 0) requests.push(current);
  return requests;
}

/** Whether Kafka refused a produce for a message past its size limit (refused again however often it is sent). */
export function isTooLargeForKafka(error: unknown): boolean {
  return (error as { type?: string } | null)?.type === 'MESSAGE_TOO_LARGE';
}

/**
 * Sends what many callers produce in one Kafka request: kafkajs makes one produce request per
 * `send`, so each reply, command and relayed event would cost a broker round trip of its own.
 * A group commit of produce requests: messages queued while a request is out leave together in the
 * next one (order kept per topic and partition); when idle, the first waits only for the current
 * I/O turn to end.
 */
export class BatchingProducer {
  private readonly requests: GroupCommit<{ topic: string; messages: Message[] }, void>;

  constructor(producer: Producer) {
    this.requests = new GroupCommit<{ topic: string; messages: Message[] }, void>(async (items) => {
      // One after the other, so that what is produced for a partition keeps its order. A failed
      // request fails its items and, so that nothing overtakes what failed, every later one; but a
      // message too large for Kafka goes alone (MAX_REQUEST_BYTES) and fails alone: the requests after
      // it still go, rather than failing the callers whose messages only happened to follow it.
      const outcomes: Outcome<void>[] = items.map(() => ({ ok: true, value: undefined }));
      let stoppedBy: { error: unknown } | null = null;
      for (const request of requestsOf(items)) {
        try {
          if (stoppedBy) throw stoppedBy.error;
          await producer.sendBatch({ topicMessages: [...request.topicMessages].map(([topic, messages]) => ({ topic, messages })), acks: -1 });
        } catch (error) {
          for (const index of request.items) outcomes[index] = { ok: false, error };
          if (!isTooLargeForKafka(error)) stoppedBy ??= { error };
        }
      }
      return outcomes;
    }, Number.POSITIVE_INFINITY);
  }

  /** Queues messages for a topic; resolves once every in-sync replica has them. */
  send(topic: string, messages: Message[]): Promise<void> {
    return messages.length === 0 ? Promise.resolve() : this.requests.submit({ topic, messages });
  }

  /** Resolves once everything queued so far has been sent (or has failed). */
  drained(): Promise<void> {
    return this.requests.drained();
  }
}
