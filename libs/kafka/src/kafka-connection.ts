import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { AssignerProtocol, Kafka, logLevel, type Admin, type KafkaConfig, type Message } from 'kafkajs';
import { APP_NAME, PlatformConfig } from '@parley/platform';
import { kafkaClientConfig } from './kafka.options.js';
import { ensureTopics, parleyTopics } from './topics.js';
import type { BatchingProducer } from './transport/batching-producer.js';
import { SharedProducer } from './transport/shared-producer.js';

/**
 * An app's Kafka: the process's shared producer (the outbox relay and dead letters publish with
 * it) and an admin client. At start it creates any missing topic, before the app's consumer
 * subscribes.
 */
@Injectable()
export class KafkaConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly client: KafkaConfig;
  private batching: BatchingProducer | null = null;
  private readonly admin: Admin;
  private readonly partitions: number;
  private connected = false;

  constructor(
    config: PlatformConfig,
    @Inject(APP_NAME) appName: string,
    @InjectPinoLogger(KafkaConnection.name) private readonly logger: PinoLogger,
  ) {
    this.client = kafkaClientConfig(config, `${appName}-producer`);
    // The admin's own client is silent: what it is asked fails to its caller, who logs it once,
    // instead of kafkajs logging each retried answer (topic set-up polls partitions until served).
    this.admin = new Kafka({ ...kafkaClientConfig(config, `${appName}-admin`), logLevel: logLevel.NOTHING }).admin();
    this.partitions = config.KAFKA_PARTITIONS;
  }

  async onModuleInit(): Promise<void> {
    await this.admin.connect();
    const created = await ensureTopics(this.admin, parleyTopics(this.partitions));
    if (created.length > 0) this.logger.info({ count: created.length }, 'created Kafka topics');
    this.batching = await SharedProducer.acquire(this.client);
    this.connected = true;
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await Promise.allSettled([SharedProducer.release(), this.admin.disconnect()]);
  }

  /**
   * Publishes messages, each acknowledged by every in-sync replica. What is published in the same
   * moment, here and by other callers, leaves in one request, in the order of the calls.
   */
  async publish(batches: { topic: string; messages: Message[] }[]): Promise<void> {
    const batching = this.batching;
    if (!batching) throw new Error('Kafka is not connected');
    await Promise.all(batches.map(({ topic, messages }) => batching.send(topic, messages)));
  }

  /** Resolves once everything published so far has been sent (or has failed). */
  drained(): Promise<void> {
    return this.batching?.drained() ?? Promise.resolve();
  }

  /** Whether the broker answers: used by health checks. */
  async ping(): Promise<{ brokers: number }> {
    const cluster = await this.admin.describeCluster();
    return { brokers: cluster.brokers.length };
  }

  /**
   * How far each consumer group is behind, per topic: the partitions' end offsets less the group's
   * committed offsets, over the topics its live members are assigned and those it committed on. A
   * partition never committed on counts from its start (consumers subscribe from the beginning).
   * Event consumers commit about once a second, so a busy group shows up to a second of traffic.
   */
  async consumerLag(groupIds: string[]): Promise<Record<string, Record<string, number>>> {
    const ends = new Map<string, Promise<Map<number, { low: number; high: number }>>>();
    const endsOf = (topic: string) => {
      if (!ends.has(topic)) {
        const offsets = this.admin.fetchTopicOffsets(topic);
        ends.set(topic, offsets.then((list) => new Map(list.map((entry) => [entry.partition, { low: Number(entry.low), high: Number(entry.high) }]))));
      }
      return ends.get(topic)!;
    };
    const { groups } = await this.admin.describeGroups(groupIds);
    const lags = await Promise.all(
      groups.map(async (group) => {
        const assigned = new Set<string>();
        for (const member of group.members) {
          const assignment = member.memberAssignment.length > 0 ? AssignerProtocol.MemberAssignment.decode(member.memberAssignment) : null;
          for (const topic of Object.keys(assignment?.assignment ?? {})) assigned.add(topic);
        }
        const committed = await this.admin.fetchOffsets({ groupId: group.groupId });
        const topics = [...new Set([...assigned, ...committed.map((entry) => entry.topic)])];
        const offsets = topics.length > 0 ? await this.admin.fetchOffsets({ groupId: group.groupId, topics }) : [];
        const byTopic: Record<string, number> = {};
        for (const { topic, partitions } of offsets) {
          const bounds = await endsOf(topic);
          byTopic[topic] = partitions.reduce((sum, { partition, offset }) => {
            const bound = bounds.get(partition);
            if (!bound) return sum;
            const at = Number(offset) < 0 ? bound.low : Number(offset);
            return sum + Math.max(0, bound.high - at);
          }, 0);
        }
        return [group.groupId, byTopic] as const;
      }),
    );
    return Object.fromEntries(lags);
  }

  /** How many live members each named consumer group has (an app with none is down). */
  async groupMembers(groupIds: string[]): Promise<Record<string, { state: string; members: number }>> {
    const { groups } = await this.admin.describeGroups(groupIds);
    return Object.fromEntries(groups.map((group) => [group.groupId, { state: group.state, members: group.members.length }]));
  }
}
