import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { AssignerProtocol, Kafka, logLevel, type Admin, type KafkaConfig, type Message } from 'kafkajs';
import { APP_NAME, PlatformConfig } from '@parley/platform';
import { kafkaClientConfig } from './kafka.options.js';
import { ensureTopics, parleyTopics } from './topics.js';
import type { BatchingProducer } from './transport/batching-producer.js';
import { SharedProducer } from './transport/shared-producer.js';

/** A consumer group as an operator sees it (see KafkaConnection.consumerGroups). */
export interface ConsumerGroupState {
  state: string;
  members: number;
  lag: Record<string, number> | null;
}

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
    try {
      const cluster = await this.admin.describeCluster();
      return { brokers: cluster.brokers.length };
    } catch (error) {
      // kafkajs fails some ways with a TypeError of its own (a cluster description it could not read).
      throw new Error(`Kafka did not describe its cluster: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * Each named consumer group: its state, its live members (an app with none is down) and how far
   * it is behind per topic, from one description of the groups. The lag is the partitions' end
   * offsets less the group's committed offsets, over the topics its live members are assigned and
   * those it committed on; a partition never committed on counts from its start (consumers
   * subscribe from the beginning). Event consumers commit about once a second, so a busy group
   * shows up to a second of traffic. A lag that cannot be read is null.
   */
  async consumerGroups(groupIds: string[]): Promise<Record<string, ConsumerGroupState>> {
    const ends = new Map<string, Promise<Map<number, { low: number; high: number }>>>();
    const endsOf = (topic: string) => {
      if (!ends.has(topic)) {
        const offsets = this.admin.fetchTopicOffsets(topic);
        ends.set(topic, offsets.then((list) => new Map(list.map((entry) => [entry.partition, { low: Number(entry.low), high: Number(entry.high) }]))));
      }
      return ends.get(topic)!;
    };
    const lagOf = async (groupId: string, assigned: Set<string>): Promise<Record<string, number>> => {
      const committed = new Map((await this.admin.fetchOffsets({ groupId })).map(({ topic, partitions }) => [topic, partitions]));
      const byTopic: Record<string, number> = {};
      for (const topic of new Set([...assigned, ...committed.keys()])) {
        const bounds = await endsOf(topic);
        const offsets = new Map((committed.get(topic) ?? []).map(({ partition, offset }) => [partition, Number(offset)]));
        let lag = 0;
        for (const [partition, { low, high }] of bounds) {
          const at = offsets.get(partition) ?? -1;
          lag += Math.max(0, high - (at < 0 ? low : at));
        }
        byTopic[topic] = lag;
      }
      return byTopic;
    };
    const { groups } = await this.admin.describeGroups(groupIds);
    const states = await Promise.all(
      groups.map(async (group): Promise<[string, ConsumerGroupState]> => {
        const assigned = new Set<string>();
        for (const member of group.members) {
          const assignment = member.memberAssignment.length > 0 ? AssignerProtocol.MemberAssignment.decode(member.memberAssignment) : null;
          for (const topic of Object.keys(assignment?.assignment ?? {})) assigned.add(topic);
        }
        const lag = await lagOf(group.groupId, assigned).catch(() => null);
        return [group.groupId, { state: group.state, members: group.members.length, lag }];
      }),
    );
    return Object.fromEntries(states);
  }
}
