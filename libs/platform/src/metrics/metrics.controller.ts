import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../public.decorator.js';
import { metricsRegistry } from './metrics.js';

/** `GET /metrics`: the process's metrics in Prometheus's text format, for a scraper on the app's port. */
@ApiTags('service')
@Controller('metrics')
export class MetricsController {
  @Get()
  @Public()
  @Header('content-type', metricsRegistry.contentType)
  @ApiOperation({ summary: "The process's metrics, in Prometheus's text format" })
  @ApiOkResponse({ description: 'The metrics', content: { [metricsRegistry.contentType.split(';')[0]]: { schema: { type: 'string' } } } })
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
