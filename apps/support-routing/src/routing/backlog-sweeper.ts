import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { RepeatedFailureLog } from '@parley/platform';
import { SupportRoutingConfig } from '../support-routing.config.js';
import { AssignmentsRepository } from './assignments.repository.js';
import { RoutingService } from './routing.service.js';

/**
 * Routes waiting rooms now and then. Opening, resolving, presence and inbox changes route at once;
 * this catches a room whose trigger failed (an event parked on its dead-letter topic, a crash
 * mid-way), so no room waits for a member who could take it.
 */
@Injectable()
export class BacklogSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  /** Every sweep fails alike while MongoDB is away: logged once, then a summary a minute. */
  private readonly sweepFailures: RepeatedFailureLog;

  constructor(
    private readonly assignments: AssignmentsRepository,
    private readonly routing: RoutingService,
    private readonly config: SupportRoutingConfig,
    @InjectPinoLogger(BacklogSweeper.name) private readonly logger: PinoLogger,
  ) {
    this.sweepFailures = new RepeatedFailureLog(logger, 'backlog sweep', 'warn');
  }

  onApplicationBootstrap(): void {
    if (this.config.SUPPORT_BACKLOG_SWEEP_MS <= 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.sweep().finally(() => (this.running = null));
    }, this.config.SUPPORT_BACKLOG_SWEEP_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Drains every inbox that has a waiting room; returns how many rooms were assigned. */
  async sweep(): Promise<number> {
    let assigned = 0;
    try {
      for (const { accountId, inboxId } of await this.assignments.inboxesWithWaitingRooms()) {
        const rooms = await this.routing.withInbox(accountId, inboxId, (session, inbox) => (inbox ? this.routing.drain(session, inbox) : Promise.resolve([])));
        assigned += rooms.length;
      }
      if (assigned > 0) this.logger.info({ assigned }, 'backlog sweep assigned waiting rooms');
      this.sweepFailures.succeeded();
    } catch (error) {
      this.sweepFailures.failed(error);
    }
    return assigned;
  }
}
