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

/** Stops a watch at shutdown, so that a consumer being disconnected on purpose is not started again. */
export interface ConsumerWatch {
  stop(): void;
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
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
