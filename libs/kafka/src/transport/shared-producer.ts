import { Kafka, Partitioners, type KafkaConfig, type Producer, type ProducerConfig } from 'kafkajs';
import { BatchingProducer } from './batching-producer.js';

/** Producer settings: the default partitioner named (kafkajs warns otherwise), no topic made on use. */
export function kafkaProducerConfig(): ProducerConfig {
  return {
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  };
}

/**
 * The one Kafka producer of a process, as Kafka advises (a producer is made to be shared): the
 * transport's replies, the command client's requests, the outbox and dead letters all produce with
 * it, so what they produce in the same moment (a reply and the event of the same send) leaves in one
 * request. Connected by the first user, disconnected when the last one releases it.
 */
export class SharedProducer {
  private static current: SharedProducer | null = null;

  private readonly batching: BatchingProducer;
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private users = 0;
  private connecting: Promise<void> | null = null;

  private constructor(client: KafkaConfig) {
    this.kafka = new Kafka(client);
    this.producer = this.kafka.producer(kafkaProducerConfig());
    this.batching = new BatchingProducer(this.producer);
  }

  /** Takes the process's producer (made with `client` by its first user) and connects it once. */
  static async acquire(client: KafkaConfig): Promise<BatchingProducer> {
    SharedProducer.current ??= new SharedProducer(client);
    const shared = SharedProducer.current;
    shared.users++;
    shared.connecting ??= shared.producer.connect();
    try {
      await shared.connecting;
    } catch (error) {
      shared.connecting = null;
      shared.users--;
      throw error;
    }
    return shared.batching;
  }

  /** Gives the producer back; the last user's release sends what is queued and disconnects it. */
  static async release(): Promise<void> {
    const shared = SharedProducer.current;
    if (!shared || shared.users === 0) return;
    shared.users--;
    await shared.batching.drained();
    if (shared.users > 0) return;
    SharedProducer.current = null;
    await shared.producer.disconnect();
  }
}
