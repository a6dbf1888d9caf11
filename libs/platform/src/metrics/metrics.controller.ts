import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../public.decorator.js';
import { metricsRegistry } from './metrics.js';

/** `GET /metrics`: the process's metrics in Prometheus's text format, for a scraper on the app's port. */
@Controller('metrics')
export class MetricsController {
  @Get()
  @Public()
  @Header('content-type', metricsRegistry.contentType)
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
