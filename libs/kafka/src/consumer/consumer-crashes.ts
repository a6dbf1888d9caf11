import type { Consumer } from 'kafkajs';

/** What is done when kafkajs has stopped a consumer for good. */
export type ConsumerStopped = (error: Error) => void;

interface CrashLogger {
  error(details: object, message: string): void;
  fatal(details: object, message: string): void;
}

/**
 * Watches a consumer's crashes: one kafkajs restarts from is logged; one it does not (an error it
 * will not retry) stops the app by default, so its supervisor starts a fresh one. An app left
 * running without its consumer answers health checks while it consumes nothing.
 */
export function watchConsumerCrashes(consumer: Consumer, logger: CrashLogger): void {
  consumer.on(consumer.events.CRASH, ({ payload }) => onConsumerCrash(payload.error, payload.restart, logger));
}

/** What a consumer's crash leads to (watchConsumerCrashes); `onStopped` is replaceable for its tests. */
export function onConsumerCrash(error: Error, restart: boolean, logger: CrashLogger, onStopped: ConsumerStopped = stopProcess): void {
  if (restart) {
    logger.error({ err: error }, 'Kafka consumer crashed; kafkajs restarts it');
    return;
  }
  logger.fatal({ err: error }, 'Kafka consumer stopped for good; stopping the app so that it is started again');
  onStopped(error);
}

/** Stops the process through its shutdown hooks (consumers leave their groups) and exits non-zero. */
function stopProcess(): void {
  process.exitCode = 1;
  process.kill(process.pid, 'SIGTERM');
}
