import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { SupportInbox, SupportInboxSchema, UnroutedInbound, UnroutedInboundSchema } from '@parley/database';
import { InboundHandler } from './inbound.handler.js';
import { InboundService } from './inbound.service.js';
import { UnroutedRepository } from './unrouted.repository.js';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: SupportInbox.name, schema: SupportInboxSchema },
      { name: UnroutedInbound.name, schema: UnroutedInboundSchema },
    ]),
  ],
  controllers: [InboundHandler],
  providers: [InboundService, UnroutedRepository],
})
export class InboundModule {}
