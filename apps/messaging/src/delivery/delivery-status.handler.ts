import { Controller } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Ctx, KafkaContext, Payload } from '@nestjs/microservices';
import type { Connection } from 'mongoose';
import { createEnvelope, EventTopics, type DeliveryStatusData } from '@parley/contracts';
import { runTransaction, toObjectId } from '@parley/database';
import { EventConsumer, OnEvent, Outbox } from '@parley/kafka';
import { correlationIdOfKafka } from '@parley/platform';
import { messageUpdatedData } from '../messages/message.view.js';
import { MessagesRepository } from '../messages/messages.repository.js';

/**
 * Where a message's SMS or email stands, from outbound-delivery: the message's `delivery` moves
 * forward (never back, so a redelivered or late status changes nothing) and `parley.message.updated`
 * tells every device.
 */
@Controller()
export class DeliveryStatusHandler {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly consumer: EventConsumer,
    private readonly messages: MessagesRepository,
    private readonly outbox: Outbox,
  ) {}

  @OnEvent(EventTopics.DeliveryStatus)
  async onDeliveryStatus(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.handle<DeliveryStatusData>('messaging.delivery-status', payload, context, async (envelope) => {
      const { data } = envelope;
      if (data.status === 'queued') return;
      await runTransaction(this.connection, async (session) => {
        const updated = await this.messages.advanceDelivery(
          envelope.accountId,
          toObjectId(data.room_id, 'room_id'),
          toObjectId(data.message_id, 'message_id'),
          { status: data.status as 'sent' | 'delivered' | 'failed', provider_id: data.provider_id, error_code: data.error_code, updated_at: new Date(data.at) },
          session,
        );
        if (!updated) return;
        const changed = messageUpdatedData(updated);
        await this.outbox.add(
          session,
          [createEnvelope({ type: EventTopics.MessageUpdated, accountId: envelope.accountId, key: changed.room_id, actor: null, data: changed })],
          correlationIdOfKafka(context),
        );
      });
    });
  }
}
