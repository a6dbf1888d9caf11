import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { KafkaHeaders } from '@nestjs/microservices';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Kafka, type Consumer, type EachBatchPayload, type KafkaConfig } from 'kafkajs';
import {
  AppError,
  commandTopic,
  CORRELATION_ID_HEADER,
  ErrorCodes,
  PATTERN_HEADER,
  ReplyTopic,
  type Actor,
  type CommandMessage,
} from '@parley/contracts';
import { context } from '@opentelemetry/api';
import { activeTracer, APP_NAME, currentTraceHeaders, inSpan, PlatformConfig, Metrics, reportCommandAdmission, type TraceHeaders } from '@parley/platform';
import { watchConsumerCrashes, type ConsumerWatch } from '../consumer/consumer-crashes.js';
import { kafkaClientConfig, kafkaConsumerConfig } from '../kafka.options.js';
import type { BatchingProducer } from '../transport/batching-producer.js';
import { SharedProducer } from '../transport/shared-producer.js';
import { COMMAND_TIMEOUT_MS } from './command-timeout.js';
import { AdmissionSlots } from './admission-slots.js';
import { commandSpan } from '../tracing/kafka-spans.js';
import { headerText } from '../transport/headers.js';


/** A command refused at once because its app is at capacity: a 503 with Retry-After that names the app's command topic. */
export class CapacityRefusal extends AppError {
  constructor(
    readonly topic: string,
    maxInFlight: number,
  ) {
    super(ErrorCodes.Unavailable, 503, `The service is at capacity (${maxInFlight} requests in flight); retry shortly`, undefined, 1);
  }
}

export interface SendOptions {
  correlationId: string;
  /** Partition key of the request: requests with one key are handled in order. */
  key: string;
}

interface Waiting {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
}

/**
 * The shortest a command holds its admission slot once the app is answering others meanwhile. A
 * healthy app answers in milliseconds, and an overloaded one within a few hundred (that is what the
 * bound is for); one unanswered after a second while others come back is waiting on a stalled
 * instance's partitions, and the app's other partitions need the slot.
 */
const SLOT_LEASE_MS = 1000;

/**
 * The longest lease, when the app's answers are slow (AdmissionSlots sizes leases from the answers
 * since the slot's grant): on a machine slow enough that answers take seconds, slots still bound
 * what is in flight, well inside the 10 s a command is waited for.
 */
const SLOT_LEASE_MAX_MS = 5000;

/**
 * How long an app stays shedding (refusing past its slots instead of queueing) after its last
 * refusal: replies come back in batches (a group commit answers a dozen sends at once), so the slots
 * in use dip and refill many times a second under overload, and only a refusal-free while says the
 * overload is over.
 */
const SHED_MS = 1000;

/**
 * Sends commands and queries to the apps over Kafka request-reply and turns their error replies
 * back into AppErrors. Replies come back on `parley.replies`, which each instance reads whole in a
 * consumer group of its own: a shared group would move partitions between gateways whenever one
 * starts or stops, and the replies in flight on a moved partition would be lost (504s on every
 * scale-up or scale-down). Requests produced in the same moment share one produce request. At most
 * COMMANDS_MAX_IN_FLIGHT wait at once for each app, and at most COMMANDS_ADMISSION_QUEUE more
 * queue for a slot (none once that queue has overflowed, until SHED_MS pass without a refusal):
 * past that a request to that app is refused at once with 503 and Retry-After, so a burst is served
 * and overload gives quick refusals instead of queues that grow for seconds; an app that stalls (an
 * instance killed, its partitions waiting for the group to notice) fills only its own slots, and
 * each only until its healthy instances have answered others for SLOT_LEASE_MS or more (longer
 * while their answers are slow): requests to the other apps, and to the stalled app's healthy
 * instances, still go.
 */
@Injectable()
export class CommandClient implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly kafka: Kafka;
  private readonly client: KafkaConfig;
  private requests: BatchingProducer | null = null;
  private readonly consumer: Consumer;
  private readonly waiting = new Map<string, Waiting>();
  /** Requests waiting per command topic (per app), and those waiting for a slot. */
  private readonly slots: AdmissionSlots;
  private readonly maxInFlight: number;
  private replyPartitions: number[] = [];
  private nextPartition = 0;
  private crashWatch: ConsumerWatch | null = null;

  constructor(
    config: PlatformConfig,
    @Inject(APP_NAME) appName: string,
    @InjectPinoLogger(CommandClient.name) private readonly logger: PinoLogger,
  ) {
    this.client = kafkaClientConfig(config, `${appName}-commands`);
    this.kafka = new Kafka(this.client);
    // Replies are only for the instance that is waiting: nothing to commit, nothing to replay, and a
    // group per instance, so other instances joining or leaving never rebalance this one.
    const instance = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.consumer = this.kafka.consumer(kafkaConsumerConfig(config, `${appName}-replies-${instance}`));
    this.maxInFlight = config.COMMANDS_MAX_IN_FLIGHT;
    this.slots = new AdmissionSlots(config.COMMANDS_MAX_IN_FLIGHT, config.COMMANDS_ADMISSION_QUEUE, SLOT_LEASE_MS, SHED_MS, SLOT_LEASE_MAX_MS);
    reportCommandAdmission(() => this.slots.usage().map(({ key, inFlight, queued }) => ({ topic: key, inFlight, queued })));
  }

  async onApplicationBootstrap(): Promise<void> {
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      this.replyPartitions = [...(event.payload.memberAssignment[ReplyTopic] ?? [])];
    });
    const [requests] = await Promise.all([SharedProducer.acquire(this.client), this.consumer.connect()]);
    this.requests = requests;
    await this.consumer.subscribe({ topics: [ReplyTopic], fromBeginning: false });
    const run = () => this.consumer.run({ autoCommit: false, eachBatch: (payload) => this.onReplies(payload) });
    this.crashWatch = watchConsumerCrashes(this.consumer, run, this.logger);
    await run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.crashWatch?.stop();
    await this.consumer.disconnect();
    if (this.requests) await SharedProducer.release();
    this.requests = null;
    for (const [id, waiting] of this.waiting) {
      clearTimeout(waiting.timer);
      waiting.reject(AppError.unavailable('The gateway is shutting down'));
      this.waiting.delete(id);
    }
  }

  /**
   * The refusal a command to `topic` would get now, or null if it would be admitted or queue: for a
   * caller that can refuse a request before doing the work that leads to its command.
   */
  refusalNow(topic: string): CapacityRefusal | null {
    return this.slots.refusesNow(topic) ? new CapacityRefusal(topic, this.maxInFlight) : null;
  }

  /** Ready once this instance's reply consumer has joined its group and been given the reply topic. */
  isReady(): boolean {
    return this.replyPartitions.length > 0;
  }

  /**
   * Sends one command and waits for its reply; an app's AppError comes back as the same AppError.
   * With tracing on, the wait is a span (a child of the HTTP request's) whose `traceparent` the
   * command carries, so the app's handling joins the caller's trace.
   */
  send<TResult, TPayload = unknown>(pattern: string, actor: Actor, payload: TPayload, options: SendOptions): Promise<TResult> {
    const tracer = activeTracer();
    if (!tracer) return this.request<TResult, TPayload>(pattern, actor, payload, options, undefined);
    const { name, kind, attributes } = commandSpan(pattern, commandTopic(pattern), options.key, options.correlationId);
    return inSpan(tracer, name, { kind, attributes }, context.active(), () =>
      this.request<TResult, TPayload>(pattern, actor, payload, options, currentTraceHeaders()),
    );
  }

  private async request<TResult, TPayload>(
    pattern: string,
    actor: Actor,
    payload: TPayload,
    options: SendOptions,
    trace: TraceHeaders | undefined,
  ): Promise<TResult> {
    const requests = this.requests;
    if (!requests || this.replyPartitions.length === 0) throw AppError.unavailable('The gateway is not connected to Kafka yet');
    const topic = commandTopic(pattern);
    const askedAt = performance.now();
    const release = await this.slots.acquire(topic);
    if (!release) {
      Metrics.commandDuration.observe({ pattern, outcome: 'refused' }, (performance.now() - askedAt) / 1000);
      throw new CapacityRefusal(topic, this.maxInFlight);
    }
    try {
      return await this.requestAdmitted<TResult, TPayload>(pattern, topic, actor, payload, options, trace, requests);
    } finally {
      release();
    }
  }

  private async requestAdmitted<TResult, TPayload>(
    pattern: string,
    topic: string,
    actor: Actor,
    payload: TPayload,
    options: SendOptions,
    trace: TraceHeaders | undefined,
    requests: BatchingProducer,
  ): Promise<TResult> {
    const stopTimer = Metrics.commandDuration.startTimer({ pattern });
    const id = randomUUID();
    const partition = this.replyPartitions[this.nextPartition++ % this.replyPartitions.length];
    const value: CommandMessage<TPayload> = { actor, payload };
    const reply = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        // The caller gets a 504; the operator needs to know which app did not answer.
        this.logger.error(
          { pattern, topic, key: options.key, correlationId: options.correlationId, timeoutMs: COMMAND_TIMEOUT_MS },
          `no reply to ${pattern} from ${topic} within ${COMMAND_TIMEOUT_MS} ms: answered 504 (is the app up, and its consumer group stable?)`,
        );
        reject(
          new AppError(
            ErrorCodes.UpstreamTimeout,
            504,
            `No reply to ${pattern} within ${COMMAND_TIMEOUT_MS} ms: it may still take effect; retry it as it was (a message sent again with the same clientMessageId is stored once)`,
            undefined,
            1,
          ),
        );
      }, COMMAND_TIMEOUT_MS);
      this.waiting.set(id, { resolve, reject, timer });
    });
    requests
      .send(topic, [
        {
          key: options.key,
          value: JSON.stringify(value),
          // When it was sent, fixed here: kafkajs stamps a message without one each time it encodes
          // it, so a produce retried after a Kafka stall would look new, and the app that drops
          // commands its caller has given up on (commandTtlMs) would carry it out after the 504.
          timestamp: String(Date.now()),
          headers: {
            [PATTERN_HEADER]: pattern,
            [KafkaHeaders.CORRELATION_ID]: id,
            [KafkaHeaders.REPLY_TOPIC]: ReplyTopic,
            [KafkaHeaders.REPLY_PARTITION]: String(partition),
            [CORRELATION_ID_HEADER]: options.correlationId,
            ...trace,
          },
        },
      ])
      .catch((error: unknown) => {
        this.logger.error({ err: error, pattern }, 'command could not be sent to Kafka');
        this.settle(id, undefined, AppError.unavailable(`Kafka did not take ${pattern}; retry shortly`));
      });
    try {
      const result = (await reply) as TResult;
      stopTimer({ outcome: 'ok' });
      return result;
    } catch (error) {
      stopTimer({ outcome: (error as AppError).statusCode === 504 ? 'timeout' : 'error' });
      throw error;
    }
  }

  private async onReplies({ batch }: EachBatchPayload): Promise<void> {
    for (const message of batch.messages) {
      const id = headerText(message, KafkaHeaders.CORRELATION_ID);
      if (!id || !this.waiting.has(id)) continue;
      const errorText = headerText(message, KafkaHeaders.NEST_ERR);
      if (errorText !== undefined) {
        this.settle(id, undefined, AppError.fromRpc(safeParse(errorText)) ?? new AppError(ErrorCodes.Internal, 500, errorText));
      } else {
        this.settle(id, message.value === null ? undefined : safeParse(message.value.toString()));
      }
    }
  }

  private settle(id: string, value: unknown, error?: unknown): void {
    const waiting = this.waiting.get(id);
    if (!waiting) return;
    this.waiting.delete(id);
    clearTimeout(waiting.timer);
    if (error !== undefined) waiting.reject(error);
    else waiting.resolve(value);
  }
}

/** A reply's JSON, or its text when it is not JSON (a malformed reply must not stop the reply consumer). */
function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
