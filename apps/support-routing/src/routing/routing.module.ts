import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { SupportAssignment, SupportAssignmentSchema, SupportInbox, SupportInboxSchema } from '@parley/database';
import { InboxesRepository } from '../inboxes/inboxes.repository.js';
import { TeamModule } from '../team/team.module.js';
import { AssignmentsRepository } from './assignments.repository.js';
import { BacklogSweeper } from './backlog-sweeper.js';
import { RoutingService } from './routing.service.js';

/** Routing and the two collections it keeps consistent: inboxes (members, pointer) and assignments. */
@Module({
  imports: [
    TeamModule,
    MongooseModule.forFeature([
      { name: SupportInbox.name, schema: SupportInboxSchema },
      { name: SupportAssignment.name, schema: SupportAssignmentSchema },
    ]),
  ],
  providers: [InboxesRepository, AssignmentsRepository, RoutingService, BacklogSweeper],
  exports: [InboxesRepository, AssignmentsRepository, RoutingService, TeamModule],
})
export class RoutingModule {}
