import type { Message, Producer } from 'kafkajs';
import { GroupCommit } from '@parley/database';

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
      const byTopic = new Map<string, Message[]>();
      for (const { topic, messages } of items) byTopic.set(topic, [...(byTopic.get(topic) ?? []), ...messages]);
      await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })), acks: -1 });
      return items.map(() => ({ ok: true, value: undefined }));
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
