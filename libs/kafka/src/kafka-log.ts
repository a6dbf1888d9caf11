import { logLevel, type logCreator } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { pino, type Level, type Logger } from 'pino';

const PINO_LEVELS: Record<logLevel, Level | null> = {
  [logLevel.NOTHING]: null,
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

let beforeTheApp: Logger | undefined;

/**
 * A broker's error answer to one protocol request (`Response JoinGroup`, say: not the coordinator,
 * a leader election under way), which kafkajs logs at error before it retries the request itself.
 * It is a warning here: what is not recovered from reaches the caller, and the app logs that as an
 * error (a consumer crash, a produce that failed); a Kafka restart no longer reads as dozens of errors.
 */
function protocolResponse(namespace: string, message: string): boolean {
  return namespace === 'Connection' && message.startsWith('Response ');
}

/**
 * kafkajs' own log lines, written by the app's pino logger: one line shape in every log (kafkajs'
 * default is JSON of its own, which log readers and the test report could not parse as the app's),
 * with the app's name and level, kafkajs' namespace as the context and its fields under `kafkajs`.
 */
export const kafkajsLogCreator: logCreator = () => ({ namespace, level, log }) => {
  const pinoLevel = protocolResponse(namespace, log.message) && level === logLevel.ERROR ? 'warn' : PINO_LEVELS[level];
  if (!pinoLevel) return;
  // pino stamps its own time, and kafkajs' logger name becomes the context.
  const { message, timestamp: _timestamp, logger: _logger, ...fields } = log;
  // The app's root logger exists once Nest has made its first logger, before any client connects;
  // a line from earlier still goes out, without the app's fields.
  const logger = PinoLogger.root ?? (beforeTheApp ??= pino());
  // Under a key of their own: kafkajs' `correlationId` (a Kafka protocol request's) must not pass for
  // the correlation id of the request or message being handled, which every app logs under that name.
  logger[pinoLevel]({ context: `kafkajs.${namespace}`, kafkajs: fields }, message);
};
