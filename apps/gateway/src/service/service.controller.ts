import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck } from '@nestjs/terminus';
import { CurrentActor, Public, RequireScopes } from '@parley/auth';
import { Scopes, type Actor } from '@parley/contracts';
import { KafkaConnection } from '@parley/kafka';
import { DependencyHealth } from '@parley/platform';

/** The consumer groups of the apps behind the gateway; an app with no live member is down. */
const APP_GROUPS = ['rooms', 'messaging', 'support-routing', 'outbound-delivery', 'realtime'] as const;

@ApiTags('service')
@Controller()
export class ServiceController {
  constructor(
    private readonly health: DependencyHealth,
    private readonly kafka: KafkaConnection,
  ) {}

  @Public()
  @Get('health')
  @HealthCheck()
  @ApiOperation({ summary: "The gateway's dependencies: 200 when all are up, 503 otherwise" })
  check() {
    return this.health.check();
  }

  @Get('admin/health')
  @ApiBearerAuth()
  @RequireScopes(Scopes.Admin)
  @ApiOperation({ summary: 'Dependencies plus every app, by its live Kafka consumer group members' })
  async adminHealth() {
    const dependencies = await this.health.check().catch((error: { response?: unknown }) => error.response ?? error);
    const groups = await this.kafka.groupMembers([...APP_GROUPS]);
    const apps = Object.fromEntries(
      APP_GROUPS.map((app) => {
        const group = groups[app];
        const up = !!group && group.members > 0;
        return [app, { status: up ? 'up' : 'down', instances: group?.members ?? 0, group: group?.state ?? 'Dead' }];
      }),
    );
    const status = (dependencies as { status?: string }).status === 'ok' && Object.values(apps).every((app) => app.status === 'up') ? 'ok' : 'error';
    const body = { status, dependencies, apps };
    if (status !== 'ok') throw new ServiceUnavailableException(body);
    return body;
  }

  @Get('currentuser')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The caller as the token says: user, account and scopes' })
  currentUser(@CurrentActor() actor: Actor) {
    return { user_id: actor.userId, account_id: actor.accountId, scopes: actor.scopes };
  }
}
