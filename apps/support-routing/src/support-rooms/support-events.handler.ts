import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, Payload } from '@nestjs/microservices';
import {
  EventTopics,
  type MessageCreatedData,
  type PresenceChangedData,
  type RoomCreatedData,
} from '@parley/contracts';
import { toObjectId } from '@parley/database';
import { EventConsumer, EventLedger, OnEvent, Outbox } from '@parley/kafka';
import { correlationIdOfKafka } from '@parley/platform';
import { InboxesRepository } from '../inboxes/inboxes.repository.js';
import { AssignmentsRepository } from '../routing/assignments.repository.js';
import { RoutingService } from '../routing/routing.service.js';
import { supportUpdatedEvent } from '../routing/support-events.js';
import { RoomMessagesRepository } from './room-messages.repository.js';

/**
 * What routing hears from the other apps: a support room opened (record it and route it), a team
 * member came online (they may take waiting rooms), a message in a support room (activity, first
 * contact message and first response).
 */
@Controller()
export class SupportEventsHandler {
  constructor(
    private readonly consumer: EventConsumer,
    private readonly ledger: EventLedger,
    private readonly routing: RoutingService,
    private readonly inboxes: InboxesRepository,
    private readonly assignments: AssignmentsRepository,
    private readonly roomMessages: RoomMessagesRepository,
    private readonly outbox: Outbox,
  ) {}

  @OnEvent(EventTopics.RoomCreated)
  async onRoomCreated(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    const name = 'support-routing.room-created';
    await this.consumer.handle<RoomCreatedData>(name, payload, context, async (envelope) => {
      const support = envelope.data.support;
      if (envelope.data.type !== 'support' || !support) return;
      const accountId = envelope.accountId;
      const inboxId = toObjectId(support.inbox_id, 'support.inbox_id');
      const roomId = toObjectId(envelope.data.room_id, 'room_id');
      const correlationId = correlationIdOfKafka(context);
      await this.routing.serial(inboxId, () =>
        this.ledger.applyOnce(name, envelope, async (session) => {
          const inbox = await this.routing.lock(session, accountId, inboxId);
          const firsts = await this.roomMessages.firstExchange(accountId, roomId, session);
          await this.assignments.insertOpened(
            {
              account_id: accountId,
              room_id: roomId,
              inbox_id: inboxId,
              contact: support.contact,
              opened_at: new Date(envelope.occurredAt),
              contact_first_message_at: firsts.contactAt,
              first_response_at: firsts.responseAt,
            },
            session,
          );
          // A room of an inbox deleted meanwhile waits, unassigned.
          if (inbox) await this.routing.drain(session, inbox, { fresh: new Set([roomId.toHexString()]), correlationId });
        }),
      );
    });
  }

  @OnEvent(EventTopics.PresenceChanged)
  async onPresenceChanged(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.handle<PresenceChangedData>('support-routing.presence-changed', payload, context, async (envelope) => {
      if (envelope.data.status !== 'online') return;
      const conversationId = toObjectId(envelope.data.conversation_id, 'conversation_id');
      const correlationId = correlationIdOfKafka(context);
      // Draining is idempotent (it only assigns rooms still waiting), so a redelivery needs no ledger.
      for (const inbox of await this.inboxes.ofMember(envelope.accountId, conversationId)) {
        await this.routing.withInbox(envelope.accountId, inbox._id, async (session, locked) => {
          if (locked) {
            await this.routing.drain(session, locked, { presence: { conversationId: conversationId.toHexString(), online: true }, correlationId });
          }
        });
      }
    });
  }

  @OnEvent(EventTopics.MessageCreated)
  async onMessageCreated(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    const name = 'support-routing.message-created';
    await this.consumer.handle<MessageCreatedData>(name, payload, context, async (envelope) => {
      if (envelope.data.room_type !== 'support') return;
      const { message } = envelope.data;
      const roomId = toObjectId(envelope.data.room_id, 'room_id');
      const created = new Date(message.created);
      await this.ledger.applyOnce(name, envelope, async (session) => {
        const entry = await this.assignments.findByRoom(envelope.accountId, roomId, session);
        // Not opened here yet: opening reads the room's first messages itself.
        if (!entry) return;
        await this.assignments.touch(roomId, toObjectId(message.id, 'message.id'), created, session);
        if (message.conversation_id === null) {
          if (!entry.contact_first_message_at) {
            await this.assignments.change(roomId, { contact_first_message_at: null }, { $set: { contact_first_message_at: created } }, session);
          }
          return;
        }
        if (message.private || entry.first_response_at || !entry.contact_first_message_at || created < entry.contact_first_message_at) return;
        const answered = await this.assignments.change(roomId, { first_response_at: null }, { $set: { first_response_at: created } }, session);
        if (!answered) return;
        const inbox = await this.inboxes.findLive(envelope.accountId, answered.inbox_id, session);
        await this.outbox.add(session, [supportUpdatedEvent(answered, inbox, null)], correlationIdOfKafka(context));
      });
    });
  }
}
