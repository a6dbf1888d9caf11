import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import type { MicroserviceOptions } from '@nestjs/microservices';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger, PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import { PlatformConfig } from './config.js';
import { AppExceptionFilter } from './errors.js';
import { collectGarbageWhenIdle } from './idle-collection.js';
import { traceHttpRequests } from './tracing/http-tracing.js';
import { startTracing } from './tracing/tracing.js';

export interface StartAppOptions {
  name: string;
  module: Type | DynamicModule;
  port: number;
  host: string;
  /** The Kafka transport the app consumes with, if it consumes. */
  microservice?: MicroserviceOptions;
  /** The methods each path is served with (null: unknown path), for 405 with `Allow` instead of 404. */
  allowedMethods?: (path: string) => string[] | null;
  /** HTTP set-up beyond the defaults (body limits, CORS, Swagger). */
  configureHttp?: (app: NestExpressApplication) => void | Promise<void>;
}

/**
 * Starts one Parley app: tracing when it is configured, HTTP (health at least), the Kafka consumer
 * if any, shutdown hooks so a stopped instance leaves its consumer group at once instead of waiting
 * out a session timeout, and a full collection at the end of its start and whenever it goes idle
 * after a busy spell (collectGarbageWhenIdle).
 */
export async function startApp(options: StartAppOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(options.module, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // Before any consumer or producer connects (app.init), so the first message is traced too.
  const tracer = await startTracing(options.name, app.get(PlatformConfig));
  // First of the HTTP middlewares, so a request's span covers all of its handling.
  if (tracer) app.use(traceHttpRequests(tracer));
  app.useGlobalFilters(new AppExceptionFilter(options.allowedMethods));
  app.enableShutdownHooks();
  if (options.microservice) {
    app.connectMicroservice(options.microservice, { inheritAppConfig: true });
  }
  await options.configureHttp?.(app);
  await app.init();
  await app.startAllMicroservices();
  await app.listen(options.port, options.host);
  // Idle keep-alive connections stay open longer than a client or load balancer keeps them (60 s is
  // the common idle limit): a server that closes first races a request sent on the closing
  // connection, which the client sees as a reset (under load, in chaos runs) rather than an answer.
  const server = app.getHttpServer() as { keepAliveTimeout: number; headersTimeout: number };
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  collectGarbageWhenIdle();
  const logger = await app.resolve(PinoLogger);
  logger.setContext('Bootstrap');
  logger.info({ port: options.port, host: options.host }, `${options.name} started`);
  return app;
}

/** Runs an app's main; a bad setting or a failed start is logged as one JSON line and exits 1. */
export function runMain(name: string, main: () => Promise<unknown>): void {
  main().catch((error: unknown) => {
    const logger = pino({ base: { app: name } });
    logger.fatal({ err: error }, `${name} failed to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
