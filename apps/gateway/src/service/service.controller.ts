import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags, type SchemaObject } from '@nestjs/swagger';
import { CurrentActor, Public, RequireScopes } from '@parley/auth';
import { Scopes, type Actor } from '@parley/contracts';
import { CorrelationId, DependencyHealth } from '@parley/platform';
import { ApiErrors } from '../api-docs/api-errors.decorator.js';
import { AdminHealthService, type AdminHealthView } from './admin-health.service.js';

/** A health report: its status, and what it says of each dependency (and app). */
const HEALTH_REPORT: SchemaObject = { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok', 'degraded', 'error'] } } };

@ApiTags('service')
@Controller()
export class ServiceController {
  constructor(
    private readonly health: DependencyHealth,
    private readonly adminHealthReport: AdminHealthService,
  ) {}

  @Public()
  @Get('health')
  @ApiOperation({ summary: "The gateway's dependencies: 200 when all are up, 503 with the same report otherwise" })
  @ApiOkResponse({ description: '{ status: ok, info, error, details }', schema: HEALTH_REPORT })
  @ApiResponse({ status: 503, description: 'The same report, status error: not the error body', schema: HEALTH_REPORT })
  async check(@Res({ passthrough: true }) response: Response) {
    const report = await this.health.report();
    if (report.status !== 'ok') response.status(503);
    return report;
  }

  @Get('admin/health')
  @ApiBearerAuth()
  @RequireScopes(Scopes.Admin)
  @ApiOperation({
    summary: "Dependencies and every app: live instances, consumer lag and outbox backlog. 200 when all are up (status ok) or some app is behind its bounds (status degraded); 503 when a dependency or an app is down",
  })
  @ApiOkResponse({ description: 'The report, status ok or degraded', schema: HEALTH_REPORT })
  @ApiResponse({ status: 503, description: 'The report, status error: not the error body', schema: HEALTH_REPORT })
  @ApiErrors(401, 403)
  async adminHealth(
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AdminHealthView> {
    const report = await this.adminHealthReport.report(actor, correlationId);
    if (report.status === 'error') response.status(503);
    return report;
  }

  @Get('currentuser')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The caller as the token says: user, account and scopes' })
  @ApiOkResponse({
    description: 'The caller',
    schema: {
      type: 'object',
      required: ['user_id', 'account_id', 'scopes'],
      additionalProperties: false,
      properties: { user_id: { type: 'string' }, account_id: { type: 'string' }, scopes: { type: 'array', items: { type: 'string' } } },
    },
  })
  @ApiErrors(401)
  currentUser(@CurrentActor() actor: Actor) {
    return { user_id: actor.userId, account_id: actor.accountId, scopes: actor.scopes };
  }
}
