import { Logger } from '@nestjs/common';
import { KafkaContext, KafkaHeaders, Server, Transport, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { Kafka, type Consumer, type ConsumerConfig, type EachBatchPayload, type KafkaConfig, type KafkaMessage, type TopicPartitionOffset } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import { activeTracer, contextFromHeaders, inSpan, linksFromHeaders, markActiveSpanFailed, Metrics, RepeatedFailureLog } from '@parley/platform';
import { AppError, commandTopic, ErrorCodes, PATTERN_HEADER } from '@parley/contracts';
import { isMembershipLost, watchConsumerCrashes, type ConsumerWatch } from '../consumer/consumer-crashes.js';
import { handlingSpan } from '../tracing/kafka-spans.js';
import type { CommandHandling } from '../rpc/command-handling.js';
import { EventRun, type EventHandling } from '../consumer/event-run.js';
import { isTooLargeForKafka, type BatchingProducer } from './batching-producer.js';
import { headerText } from './headers.js';
import { takeLeftForLater } from './left-for-later.js';
import { SharedProducer } from './shared-producer.js';

/** How often handled events' offsets are committed (a crash redelivers at most this much). */
const EVENT_COMMIT_INTERVAL_MS = 1000;

export interface KafkaTransportOptions {
  client: KafkaConfig;
  consumer: ConsumerConfig;
  /** Partitions handled at once; each partition's batch runs its keys concurrently. */
  partitionsConsumedConcurrently: number;
  /** A command older than this is dropped unanswered: its caller has already answered 504. */
  commandTtlMs: number;
  /**
   * How long an event batch may keep starting messages; the rest waits for the next fetch. kafkajs
   * fetches again only once every batch of the last fetch is done, so without a bound one long
   * backlog (a thousand events of one room, run one after the other) holds up every other partition
   * of the app, its commands included, and outlasts the session timeout.
   */
  eventBatchBudgetMs: number;
}

/**
 * The Kafka transport of every app that consumes: one consumer group per app, Nest's
 * `@MessagePattern` and `@EventPattern` handlers, and Nest's reply headers (so Nest's own
 * ClientKafka can still call it). Unlike Nest's ServerKafka it takes a fetched batch as a whole:
 * messages with different keys run concurrently (messages of one key stay in order, one after the
 * other, or all in one call for a RUNS_PER_KEY handler), so a busy partition is not a queue of one,
 * and every reply produced in the same moment leaves in one produce request.
 */
export class KafkaTransportServer extends Server implements CustomTransportStrategy {
  override readonly transportId = Transport.KAFKA;
  protected override readonly logger = new Logger('KafkaTransport');
  private kafka: Kafka | null = null;
  private consumer: Consumer | null = null;
  private replies: BatchingProducer | null = null;
  /** Offsets handled but not yet committed, by `topic:partition` (the next offset to read). */
  private readonly uncommitted = new Map<string, TopicPartitionOffset>();
  private commitTimer: NodeJS.Timeout | null = null;
  private crashWatch: ConsumerWatch | null = null;
  private commitScheduled = false;
  /** The batches being run, so that a stop can let them finish and commit them first. */
  private readonly running = new Set<Promise<void>>();
  private closing = false;
  private topics: string[] = [];
  /**
   * Offsets handled past the first unhandled one of their partition (a batch cut short by its budget
   * or a failure), by `topic:partition`: when kafkajs fetches them again they are not run twice.
   */
  private readonly handledAhead = new Map<string, Set<string>>();
  /** Partitions paused for a message left for later (RetryLaterError), by `topic:partition`: when they resume. */
  private readonly pausedUntil = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  /** While Kafka is away every periodic commit fails alike: logged once, then a summary a minute. */
  private readonly commitFailures = new RepeatedFailureLog(
    { error: (fields, message) => this.logger.error(fields, message), warn: (fields, message) => this.logger.warn(fields, message), info: (fields, message) => this.logger.log(fields, message) },
    'offset commit',
    'warn',
  );

  constructor(private readonly options: KafkaTransportOptions) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      this.kafka = new Kafka(this.options.client);
      this.consumer = this.kafka.consumer(this.options.consumer);
      // Offsets of partitions that moved to another instance are not this one's to commit.
      this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
        const assigned = (key: string) => {
          const at = key.lastIndexOf(':');
          return payload.memberAssignment[key.slice(0, at)]?.includes(Number(key.slice(at + 1))) ?? false;
        };
        for (const key of this.uncommitted.keys()) if (!assigned(key)) this.uncommitted.delete(key);
        for (const key of this.handledAhead.keys()) if (!assigned(key)) this.handledAhead.delete(key);
      });
      const consumer = this.consumer;
      const [replies] = await Promise.all([SharedProducer.acquire(this.options.client), consumer.connect()]);
      this.replies = replies;
      // Events arrive on their own topics; commands on their app's command topic, named by a header.
      const topics = new Set<string>();
      for (const [pattern, handler] of this.messageHandlers) {
        if (typeof pattern !== 'string') continue;
        topics.add(handler.isEventHandler ? pattern : commandTopic(pattern));
      }
      this.topics = [...topics];
      if (topics.size > 0) await consumer.subscribe({ topics: this.topics, fromBeginning: true });
      // Offsets are committed here, not by kafkajs after every batch (one request per batch).
      const run = () =>
        consumer.run({
          partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
          eachBatchAutoResolve: false,
          autoCommit: false,
          eachBatch: (payload) => this.runBatch(payload),
        });
      this.crashWatch = watchConsumerCrashes(consumer, run, this.logger);
      await run();
      this.commitTimer = setInterval(() => void this.commit(), EVENT_COMMIT_INTERVAL_MS);
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /**
   * Stops taking batches, lets the running ones finish and commits them while this instance is still
   * in the group (kafkajs' stop leaves the group, after which Kafka refuses the commit, and what was
   * handled in the last moments ran again on the next owner: a command twice), then leaves at once
   * (no session timeout for the others to wait out) and sends what is queued.
   */
  async close(): Promise<void> {
    this.crashWatch?.stop();
    if (this.commitTimer) clearInterval(this.commitTimer);
    this.commitTimer = null;
    this.closing = true;
    for (const { timer } of this.pausedUntil.values()) clearTimeout(timer);
    this.pausedUntil.clear();
    // Paused, kafkajs stops fetching what would only be left (a consumer not running has nothing to pause).
    if (this.consumer && this.topics.length > 0) {
      try {
        this.consumer.pause(this.topics.map((topic) => ({ topic })));
      } catch {
        // not running: no fetch to stop
      }
    }
    await Promise.all(this.running);
    await this.commit();
    await this.consumer?.stop();
    await this.consumer?.disconnect();
    if (this.replies) await SharedProducer.release();
    this.consumer = null;
    this.replies = null;
    this.kafka = null;
  }

  /**
   * Parley's patterns are plain strings: a map lookup. (Nest's lookup first tries JSON.parse on the
   * pattern, which throws, with a stack trace, for every plain string.)
   */
  override getHandlerByPattern(pattern: string): MessageHandler | null {
    return this.messageHandlers.get(pattern) ?? null;
  }

  on(): never {
    throw new Error('KafkaTransportServer has no events to listen to');
  }

  unwrap<T>(): T {
    return [this.kafka, this.consumer] as T;
  }

  /** Runs a batch unless the app is stopping (a batch fetched then is left, uncommitted, to the next owner). */
  private runBatch(payload: EachBatchPayload): Promise<void> {
    if (this.closing) return Promise.resolve();
    const batch = this.handleBatch(payload);
    const settled = batch.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(settled);
    void settled.then(() => this.running.delete(settled));
    return batch;
  }

  /**
   * Runs a partition's batch: one chain per key, the chains at once. An event batch starts messages
   * only within its budget (eventBatchBudgetMs); the messages not started are left for the next
   * fetch, so that fetch comes soon for every other partition too. Commands have no budget: the
   * gateway's admission bounds how many wait, and one must not run twice. A message its handler left
   * for later (RetryLaterError) is left too, and its partition paused until then. Offsets are
   * resolved up to the first message not handled; a failure there is thrown so kafkajs fetches it again.
   */
  private async handleBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, pause }: EachBatchPayload): Promise<void> {
    Metrics.consumerLag.set({ topic: batch.topic, partition: String(batch.partition) }, Number(batch.offsetLag()));
    const partitionKey = `${batch.topic}:${batch.partition}`;
    const commands = batch.messages.some((message) => headerText(message, KafkaHeaders.REPLY_TOPIC) !== undefined);
    const deadline = commands ? Infinity : performance.now() + this.options.eventBatchBudgetMs;
    const handledBefore = this.handledAhead.get(partitionKey);
    // Each message's outcome: true once handled, false when left for the next fetch.
    const done = !commands && this.takesRuns(batch.topic)
      ? this.startRuns(batch.topic, batch.partition, batch.messages, handledBefore, (delayMs) => this.pauseFor(partitionKey, delayMs, pause), heartbeat)
      : this.startChains(batch.topic, batch.partition, batch.messages, commands, handledBefore, deadline, (delayMs) => this.pauseFor(partitionKey, delayMs, pause), heartbeat);
    const outcomes = await Promise.allSettled(done);
    let failure: unknown = null;
    let resolved = 0;
    for (; resolved < outcomes.length; resolved++) {
      const outcome = outcomes[resolved];
      if (outcome.status === 'rejected') failure = outcome.reason;
      if (outcome.status === 'rejected' || !outcome.value) break;
      if (!isRunning() || isStale()) return;
      resolveOffset(batch.messages[resolved].offset);
      const next = (BigInt(batch.messages[resolved].offset) + 1n).toString();
      this.uncommitted.set(partitionKey, { topic: batch.topic, partition: batch.partition, offset: next });
    }
    const ahead = batch.messages.filter((message, index) => index > resolved && outcomes[index].status === 'fulfilled' && (outcomes[index] as PromiseFulfilledResult<boolean>).value);
    if (ahead.length > 0) this.handledAhead.set(partitionKey, new Set(ahead.map((message) => message.offset)));
    else this.handledAhead.delete(partitionKey);
    // A handled command is committed at once (with the others handled in the same moment, in one
    // request, without holding up the next fetch): one run again after a crash would act twice.
    // Events wait for the next periodic commit, since consumers absorb a redelivery.
    if (commands) this.commitSoon();
    if (failure !== null) throw failure;
    await heartbeat();
  }

  /** Starts a batch's messages as one chain per key: a key's messages one after another, the chains at once. */
  private startChains(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    commands: boolean,
    handledBefore: Set<string> | undefined,
    deadline: number,
    pauseFor: (delayMs: number) => void,
    heartbeat: () => Promise<void>,
  ): Promise<boolean>[] {
    const chains = new Map<string, Promise<boolean>>();
    return messages.map((message) => {
      if (handledBefore?.has(message.offset)) return Promise.resolve(true);
      const key = commands && this.runsConcurrentlyPerKey(message) ? `${message.key?.toString() ?? ''}@${message.offset}` : (message.key?.toString() ?? '');
      const previous = chains.get(key);
      const run = async () => {
        if (performance.now() >= deadline) return false;
        await this.handleMessage(topic, partition, message, heartbeat);
        const delayMs = takeLeftForLater(message);
        if (delayMs === undefined) return true;
        pauseFor(delayMs);
        return false;
      };
      // A key's later messages wait for its earlier ones, and are left too when those are.
      const current = previous ? previous.then((handled) => (handled ? run() : false)) : run();
      chains.set(key, current);
      return current;
    });
  }

  /**
   * Starts a batch's messages as one run per key for a RUNS_PER_KEY handler: every message of a key,
   * in order, in one call (no budget: a run is one call). The first message of a run its handler left
   * for later is left with every message after it, and its partition paused until then.
   */
  private startRuns(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    handledBefore: Set<string> | undefined,
    pauseFor: (delayMs: number) => void,
    heartbeat: () => Promise<void>,
  ): Promise<boolean>[] {
    const runs = new Map<string, KafkaMessage[]>();
    for (const message of messages) {
      if (handledBefore?.has(message.offset)) continue;
      const key = message.key?.toString() ?? '';
      const run = runs.get(key);
      if (run) run.push(message);
      else runs.set(key, [message]);
    }
    const outcomes = new Map<KafkaMessage, Promise<boolean>>();
    for (const run of runs.values()) {
      const handled = this.handleRun(topic, partition, run, heartbeat).then(() => {
        let left = false;
        return run.map((message) => {
          const delayMs = takeLeftForLater(message);
          if (delayMs !== undefined && !left) pauseFor(delayMs);
          left ||= delayMs !== undefined;
          return !left;
        });
      });
      run.forEach((message, index) => outcomes.set(message, handled.then((flags) => flags[index])));
    }
    return messages.map((message) => outcomes.get(message) ?? Promise.resolve(true));
  }

  /** Whether the handler of an event topic takes its events as runs per key (RUNS_PER_KEY). */
  private takesRuns(topic: string): boolean {
    return (this.getHandlerByPattern(topic)?.extras as EventHandling | undefined)?.runsPerKey === true;
  }

  /** A command whose handler runs the commands of its key at once (CONCURRENT_PER_KEY): it waits for none of them. */
  private runsConcurrentlyPerKey(message: KafkaMessage): boolean {
    const pattern = headerText(message, PATTERN_HEADER);
    const extras = pattern === undefined ? undefined : (this.getHandlerByPattern(pattern)?.extras as CommandHandling | undefined);
    return extras?.concurrentPerKey === true;
  }

  /**
   * Pauses a partition (kafkajs fetches the others meanwhile) until `delayMs` from now, or later if
   * another message of it asked for later still; resumed, kafkajs fetches it again from its first
   * message not handled.
   */
  private pauseFor(partitionKey: string, delayMs: number, pause: EachBatchPayload['pause']): void {
    const at = Date.now() + delayMs;
    const current = this.pausedUntil.get(partitionKey);
    if (current && current.at >= at) return;
    if (current) clearTimeout(current.timer);
    const resume = pause();
    const timer = setTimeout(() => {
      this.pausedUntil.delete(partitionKey);
      if (!this.closing) resume();
    }, delayMs);
    timer.unref();
    this.pausedUntil.set(partitionKey, { at, timer });
  }

  private commitSoon(): void {
    if (this.commitScheduled) return;
    this.commitScheduled = true;
    setImmediate(() => {
      this.commitScheduled = false;
      void this.commit();
    });
  }

  /** Commits what was handled; a commit refused during a rebalance is retried by the next one. */
  private async commit(): Promise<void> {
    if (!this.consumer || this.uncommitted.size === 0) return;
    const offsets = [...this.uncommitted.values()];
    this.uncommitted.clear();
    try {
      await this.consumer.commitOffsets(offsets);
      this.commitFailures.succeeded();
    } catch (error) {
      for (const offset of offsets) {
        const key = `${offset.topic}:${offset.partition}`;
        if (!this.uncommitted.has(key)) this.uncommitted.set(key, offset);
      }
      // Refused as from a member the group no longer has: kafkajs would go on fetching outside it.
      if (isMembershipLost(error)) this.crashWatch?.rejoin(error as Error);
      else this.commitFailures.failed(error);
    }
  }

  /**
   * Handles one message; with tracing on, inside a span that continues the trace its `traceparent`
   * names (the sender's), so what the handler sends and writes to the outbox carries it onward.
   */
  private async handleMessage(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>): Promise<void> {
    const tracer = activeTracer();
    if (!tracer) return this.dispatch(topic, partition, message, heartbeat);
    const pattern = headerText(message, PATTERN_HEADER) ?? topic;
    const command = headerText(message, KafkaHeaders.REPLY_TOPIC) !== undefined;
    const { name, kind, attributes } = handlingSpan(topic, partition, this.options.consumer.groupId, pattern, command, message);
    return inSpan(tracer, name, { kind, attributes }, contextFromHeaders(message.headers), () => this.dispatch(topic, partition, message, heartbeat));
  }

  /**
   * Hands a run of one key's events to its RUNS_PER_KEY handler in one call; with tracing on, inside
   * one span that continues the trace of the run's first event and links to the others' senders.
   */
  private async handleRun(topic: string, partition: number, messages: KafkaMessage[], heartbeat: () => Promise<void>): Promise<void> {
    const handler = this.getHandlerByPattern(topic);
    if (!handler) {
      this.logger.error({ topic }, 'no event handler for this topic');
      return;
    }
    const contextOf = (message: KafkaMessage) => new KafkaContext([message, partition, topic, this.consumer as never, heartbeat, null as never]);
    const run = new EventRun(messages.map((message) => ({ payload: parseValue(message.value), context: contextOf(message) })));
    const handle = async () => {
      const result = await handler(run, run.items[run.items.length - 1].context);
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    };
    const tracer = activeTracer();
    if (!tracer) return handle();
    const { name, kind, attributes } = handlingSpan(topic, partition, this.options.consumer.groupId, topic, false, messages[0]);
    const links = linksFromHeaders(messages.slice(1).map((message) => message.headers ?? {}));
    return inSpan(tracer, name, { kind, attributes: { ...attributes, 'messaging.batch.message_count': messages.length }, links }, contextFromHeaders(messages[0].headers), handle);
  }

  private async dispatch(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>): Promise<void> {
    const correlationId = headerText(message, KafkaHeaders.CORRELATION_ID);
    const replyTopic = headerText(message, KafkaHeaders.REPLY_TOPIC);
    const pattern = headerText(message, PATTERN_HEADER) ?? topic;
    const handler = this.getHandlerByPattern(pattern);
    const context = new KafkaContext([message, partition, topic, this.consumer as never, heartbeat, null as never]);
    const data = parseValue(message.value);
    if (!correlationId || !replyTopic || handler?.isEventHandler) {
      if (!handler) {
        this.logger.error({ topic }, 'no event handler for this topic');
        return;
      }
      const result = await handler(data, context);
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
      return;
    }
    const replyPartition = headerText(message, KafkaHeaders.REPLY_PARTITION);
    const reply = (body: { response?: unknown; err?: unknown }) => this.reply(replyTopic, replyPartition, correlationId, body);
    if (!handler) {
      reply({ err: new AppError(ErrorCodes.Internal, 500, `No handler for ${pattern}`).toRpc() });
      return;
    }
    const age = Date.now() - Number(message.timestamp);
    if (age > this.options.commandTtlMs) {
      this.logger.warn({ pattern, correlationId, ageMs: age }, 'command dropped: its caller stopped waiting for the reply');
      return;
    }
    try {
      const result = this.transformToObservable(await handler(data, context));
      reply({ response: await lastValueFrom(result, { defaultValue: undefined }) });
    } catch (error) {
      // A caller's mistake (4xx) is answered as designed; only the app's own failures fail the span.
      const status = (error as { statusCode?: unknown }).statusCode;
      if (typeof status !== 'number' || status >= 500) markActiveSpanFailed(error);
      reply({ err: error });
    }
  }

  /** Queues the reply; a reply that cannot be sent leaves its caller to time out (504), and is logged. */
  private reply(topic: string, partition: string | undefined, correlationId: string, body: { response?: unknown; err?: unknown }): void {
    const headers: Record<string, string> = {
      [KafkaHeaders.CORRELATION_ID]: correlationId,
      [KafkaHeaders.NEST_IS_DISPOSED]: '1',
    };
    if (body.err !== undefined) headers[KafkaHeaders.NEST_ERR] = typeof body.err === 'string' ? body.err : JSON.stringify(body.err);
    const value = body.response === undefined ? null : JSON.stringify(body.response);
    const message = { value, headers, ...(partition !== undefined ? { partition: Number(partition) } : {}) };
    this.replies?.send(topic, [message]).catch((error: unknown) => {
      // Kafka refuses an answer past its size limit for good: the caller is told at once, not after its timeout.
      if (body.response !== undefined && isTooLargeForKafka(error)) {
        const bytes = Buffer.byteLength(value ?? '');
        this.logger.error({ topic, correlationId, bytes }, 'reply too large for Kafka; answered 500 instead');
        this.reply(topic, partition, correlationId, { err: new AppError(ErrorCodes.Internal, 500, `The answer (${bytes} bytes) is too large to send; ask for less (a smaller page)`).toRpc() });
        return;
      }
      this.logger.error({ err: error, topic, correlationId }, 'reply could not be sent; the caller will time out');
    });
  }
}

function parseValue(value: Buffer | null): unknown {
  if (value === null) return undefined;
  const text = value.toString();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
