import { Module } from '@nestjs/common';
import { RoutingModule } from '../routing/routing.module.js';
import { InboxStatsService } from './inbox-stats.service.js';
import { InboxesHandler } from './inboxes.handler.js';
import { InboxesService } from './inboxes.service.js';

@Module({
  imports: [RoutingModule],
  controllers: [InboxesHandler],
  providers: [InboxesService, InboxStatsService],
  exports: [InboxesService],
})
export class InboxesModule {}
