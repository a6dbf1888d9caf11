import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ExecutionContext } from '@nestjs/common';
import type { KafkaContext } from '@nestjs/microservices';
import { getRpcInfo, type Params } from 'nestjs-pino';
import { CORRELATION_ID_HEADER } from '@parley/contracts';
import type { PlatformConfig } from './config.js';
import { appLogDestination } from './log-destination.js';

/** Fields never written to a log, whatever logs them. */
const REDACTED = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.query.access_token',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
];

/** The correlation id of an incoming HTTP request: the caller's header, else a new one. */
export function correlationIdOf(req: IncomingMessage): string {
  const header = req.headers[CORRELATION_ID_HEADER];
  const value = Array.isArray(header) ? header[0] : header;
  return value && /^[\w.:-]{1,100}$/.test(value) ? value : randomUUID();
}

/** The correlation id a Kafka message carries in its headers, if any. */
export function correlationIdOfKafka(context: KafkaContext): string | undefined {
  const header = context.getMessage().headers?.[CORRELATION_ID_HEADER];
  if (header === undefined || header === null) return undefined;
  return Buffer.isBuffer(header) ? header.toString() : String(header);
}

/**
 * The one logger of every app: pino JSON lines with the app's name and the correlation id of the
 * HTTP request or Kafka message being handled, so one id finds a request in every app's log.
 */
export function loggerParams(appName: string, config: PlatformConfig): Params {
  return {
    pinoHttp: [
      {
        level: config.LOG_LEVEL,
        base: { app: appName },
        redact: REDACTED,
        genReqId: (req, res) => {
          const id = correlationIdOf(req);
          res.setHeader(CORRELATION_ID_HEADER, id);
          return id;
        },
        customAttributeKeys: { reqId: 'correlationId' },
        // Probes and scrapes (the supervisor's liveness calls, Prometheus) every few seconds are not requests worth a line.
        autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
        serializers: {
          // The correlation id (genReqId's), method and path: one id finds the request in every app's log.
          req: (req: { id: string; method: string; url: string }) => ({ correlationId: req.id, method: req.method, url: req.url?.split('?')[0] }),
          // The status only: the response's headers (a dozen security headers on every answer) were
          // most of every access-log line.
          res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        },
      },
      appLogDestination(),
    ],
    microservice: {
      genReqId: (context: ExecutionContext) =>
        correlationIdOfKafka(context.switchToRpc().getContext<KafkaContext>()) ?? randomUUID(),
      customAttributeKeys: { reqId: 'correlationId' },
      // One line per message handled, like an access log. A client's mistake (a 4xx answered as
      // designed) is not the app's: logged as the answer it is, without a stack; the app's own
      // failures as errors, with theirs.
      customLogLevel: (_context: ExecutionContext, error?: Error) => (!error ? 'info' : isClientError(error) ? 'info' : 'error'),
      customErrorMessage: (context: ExecutionContext, error: Error) => `${getRpcInfo(context).type} ${isClientError(error) ? 'refused' : 'errored'}`,
      customErrorObject: (_context: ExecutionContext, error: Error, value: object) => {
        if (!isClientError(error)) return value;
        const { code, statusCode, message, details } = error as Error & { code?: string; statusCode: number; details?: unknown };
        return { ...value, err: undefined, refused: { statusCode, code, message, ...(details ? { details } : {}) } };
      },
      quietResLogger: true,
    },
  };
}

/** An error answered as the caller's mistake (a 4xx), not a failure of the app. */
function isClientError(error: Error): boolean {
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}
