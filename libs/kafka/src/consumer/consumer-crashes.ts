import type { Consumer } from 'kafkajs';

interface CrashLogger {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/** Pauses before starting a consumer kafkajs gave up on: the first, and the most it grows to. */
export interface RestartPauses {
  firstMs: number;
  maxMs: number;
}

const RESTART_PAUSES: RestartPauses = { firstMs: 500, maxMs: 30_000 };

/** What a watch does besides watching: a restart asked for, and the stop at shutdown. */
export interface ConsumerWatch {
  /**
   * Starts again a consumer its group no longer counts as a member, though kafkajs keeps it
   * fetching (a rejoin that failed while the coordinator was away): its commits are refused, what it
   * handles is never committed, and another instance may be handed the same partitions.
   */
  rejoin(error: Error): void;
  /** Stops the watch at shutdown, so that a consumer being disconnected on purpose is not started again. */
  stop(): void;
}

/** The protocol errors of a commit from a member the group coordinator no longer knows. */
const MEMBERSHIP_LOST = new Set(['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'FENCED_INSTANCE_ID']);

/** Whether a kafkajs error (or the protocol error it wraps) says this consumer is no longer a member of its group. */
export function isMembershipLost(error: unknown): boolean {
  for (let current = error as { type?: unknown; cause?: unknown } | undefined, depth = 0; current && depth < 3; current = current.cause as typeof current, depth++) {
    if (typeof current.type === 'string' && MEMBERSHIP_LOST.has(current.type)) return true;
  }
  return false;
}

/**
 * Keeps a consumer consuming. kafkajs restarts a crashed consumer only when it judges the error
 * retriable; after any other crash (a group generation or member id the coordinator no longer
 * knows after a stall or a rebalance, kafkajs#1466) it disconnects it and leaves it stopped, while
 * the app goes on answering health checks and consuming nothing. This connects such a consumer
 * again and calls `run` (its `consumer.run`, as at boot; its subscriptions are kept), pausing longer
 * after each crash that follows another without a group join in between.
 */
export function watchConsumerCrashes(
  consumer: Consumer,
  run: () => Promise<void>,
  logger: CrashLogger,
  pauses: RestartPauses = RESTART_PAUSES,
): ConsumerWatch {
  let pauseMs = pauses.firstMs;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let restarted = false;

  const startAgain = async (): Promise<void> => {
    timer = null;
    if (stopped) return;
    restarted = true;
    try {
      await consumer.connect();
      await run();
    } catch (error) {
      // A failed connect or run emits no CRASH: schedule the next try here.
      schedule(error as Error, 'Kafka consumer could not be started again');
    }
  };
  const schedule = (error: Error, message: string): void => {
    if (stopped || timer) return;
    logger.error({ err: error, restartInMs: pauseMs }, message);
    timer = setTimeout(() => void startAgain(), pauseMs);
    pauseMs = Math.min(pauseMs * 2, pauses.maxMs);
  };

  consumer.on(consumer.events.GROUP_JOIN, () => {
    pauseMs = pauses.firstMs;
    if (restarted) logger.warn({}, 'Kafka consumer started again: it rejoined its group');
    restarted = false;
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart) logger.error({ err: payload.error }, 'Kafka consumer crashed; kafkajs restarts it');
    else schedule(payload.error, 'Kafka consumer stopped by kafkajs after an error it does not retry; starting it again');
  });
  return {
    rejoin(error: Error) {
      if (stopped || timer) return;
      logger.error({ err: error }, 'Kafka consumer is no longer a member of its group though it still fetches; starting it again');
      timer = setTimeout(() => {
        // stop leaves the group (or what is left of it); startAgain runs it again, which joins.
        void consumer.stop().catch(() => undefined).then(startAgain);
      }, 0);
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
