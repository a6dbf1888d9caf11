import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Public, RequireScopes } from '@parley/auth';
import { Scopes, type Actor } from '@parley/contracts';
import { CorrelationId, DependencyHealth } from '@parley/platform';
import { AdminHealthService, type AdminHealthView } from './admin-health.service.js';

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
  currentUser(@CurrentActor() actor: Actor) {
    return { user_id: actor.userId, account_id: actor.accountId, scopes: actor.scopes };
  }
}
