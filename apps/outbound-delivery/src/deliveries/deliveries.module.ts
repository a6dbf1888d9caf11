import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { DeliveryAttempt, DeliveryAttemptSchema, EarlyDeliveryReport, EarlyDeliveryReportSchema } from '@parley/database';
import { SendgridEmailProvider } from '../providers/sendgrid-email.provider.js';
import { TwilioSmsProvider } from '../providers/twilio-sms.provider.js';
import { DeliveriesHandler } from './deliveries.handler.js';
import { DeliveriesService } from './deliveries.service.js';
import { DeliveryAttemptsRepository } from './delivery-attempts.repository.js';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: DeliveryAttempt.name, schema: DeliveryAttemptSchema },
      { name: EarlyDeliveryReport.name, schema: EarlyDeliveryReportSchema },
    ]),
  ],
  controllers: [DeliveriesHandler],
  providers: [DeliveriesService, DeliveryAttemptsRepository, TwilioSmsProvider, SendgridEmailProvider],
})
export class DeliveriesModule {}
