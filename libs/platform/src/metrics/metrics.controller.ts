import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../public.decorator.js';
import { metricsRegistry } from './metrics.js';

/**
 * `GET /metrics`: the process's metrics in Prometheus's text format, for a scraper on the app's port.
 * The gateway's OpenAPI document describes it (describePlatformRoutes): the platform, loaded by every
 * app, does not load @nestjs/swagger.
 */
@Controller('metrics')
export class MetricsController {
  @Get()
  @Public()
  @Header('content-type', metricsRegistry.contentType)
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
