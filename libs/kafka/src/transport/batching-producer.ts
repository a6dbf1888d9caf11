import type { Message, Producer } from 'kafkajs';

interface Queued {
  topic: string;
  messages: Message[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Sends what many callers produce in one Kafka request: kafkajs makes one produce request per
 * `send`, so each reply, command and relayed event would cost a broker round trip of its own.
 * Messages queued while a request is out leave together in the next one (order kept per topic and
 * partition); when idle, the first message waits only for the current I/O turn to end.
 */
export class BatchingProducer {
  private queued: Queued[] = [];
  private sending = false;
  private scheduled = false;
  private idle: Promise<void> = Promise.resolve();
  private settleIdle: () => void = () => undefined;

  constructor(private readonly producer: Producer) {}

  /** Queues messages for a topic; resolves once every in-sync replica has them. */
  send(topic: string, messages: Message[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      if (!this.sending && !this.scheduled && this.queued.length === 0) {
        this.idle = new Promise((settle) => (this.settleIdle = settle));
      }
      this.queued.push({ topic, messages, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once everything queued so far has been sent (or has failed). */
  drained(): Promise<void> {
    return this.sending || this.scheduled || this.queued.length > 0 ? this.idle : Promise.resolve();
  }

  private schedule(): void {
    if (this.sending || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.sending) return;
    const batch = this.queued;
    this.queued = [];
    if (batch.length === 0) {
      this.settleIdle();
      return;
    }
    this.sending = true;
    const byTopic = new Map<string, Message[]>();
    for (const item of batch) {
      const messages = byTopic.get(item.topic);
      if (messages) messages.push(...item.messages);
      else byTopic.set(item.topic, [...item.messages]);
    }
    try {
      await this.producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })), acks: -1 });
      for (const item of batch) item.resolve();
    } catch (error) {
      for (const item of batch) item.reject(error);
    } finally {
      this.sending = false;
    }
    if (this.queued.length > 0) await this.flush();
    else this.settleIdle();
  }
}
