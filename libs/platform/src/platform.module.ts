import { Global, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { PlatformConfig } from './config.js';
import { loggerParams } from './logger.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { startMetrics } from './metrics/metrics.js';
import { stopTracing } from './tracing/tracing.js';

/** Injection token of the running app's name (`rooms`, `messaging`, ...). */
export const APP_NAME = 'PARLEY_APP_NAME';

/** Sends the spans still buffered when the app stops (tracing is started by startApp). */
@Injectable()
class TracingShutdown implements OnApplicationShutdown {
  onApplicationShutdown(): Promise<void> {
    return stopTracing();
  }
}

/**
 * What every app has: its validated config (injectable as PlatformConfig and as the app's own
 * config class) and the one logger.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot<T extends PlatformConfig>(name: string, config: T): DynamicModule {
    const configTokens = configClassChain(config);
    startMetrics(name);
    return {
      module: PlatformModule,
      controllers: [MetricsController],
      imports: [LoggerModule.forRoot(loggerParams(name, config))],
      providers: [
        { provide: APP_NAME, useValue: name },
        TracingShutdown,
        ...configTokens.map((token) => ({ provide: token, useValue: config })),
      ],
      exports: [APP_NAME, ...configTokens],
    };
  }
}

/** The config's class and each class it extends down to PlatformConfig: each is an injection token. */
function configClassChain(config: PlatformConfig): Function[] {
  const chain: Function[] = [];
  for (let proto = Object.getPrototypeOf(config); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    chain.push(proto.constructor);
    if (proto.constructor === PlatformConfig) break;
  }
  return chain;
}
