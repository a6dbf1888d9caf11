import { Controller } from '@nestjs/common';
import { Ctx, KafkaContext, Payload } from '@nestjs/microservices';
import {
  EventTopics,
  type MessageCreatedData,
  type PresenceChangedData,
  type RoomCreatedData,
} from '@parley/contracts';
import { toObjectId } from '@parley/database';
import { EventConsumer, EventLedger, OnEvent, Outbox, type LedgerApply, type LedgerEvent } from '@parley/kafka';
import type { ClientSession } from 'mongoose';
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
  ) {
    this.openedRooms = this.ledger.batched<RoomCreatedData>('support-routing.room-created', (session, events) => this.routeOpened(session, events));
    this.supportMessages = this.ledger.batched<MessageCreatedData>('support-routing.message-created', (session, events) => this.recordMessages(session, events));
  }

  /** Opened rooms arriving together (from the partitions consumed at once) are recorded and routed in one transaction. */
  private readonly openedRooms: LedgerApply<RoomCreatedData>;
  /** Messages of support rooms consumed at the same moment are recorded in one transaction. */
  private readonly supportMessages: LedgerApply<MessageCreatedData>;

  @OnEvent(EventTopics.RoomCreated)
  async onRoomCreated(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.handle<RoomCreatedData>('support-routing.room-created', payload, context, async (envelope) => {
      // A direct room with a contact (no inbox owned the address) is its conversation's, not routed.
      if (envelope.data.type !== 'support' || !envelope.data.support?.inbox_id) return;
      await this.openedRooms([{ envelope, correlationId: correlationIdOfKafka(context) }]);
    });
  }

  /** Records opened rooms as waiting, then lets each inbox's router take them (one lock and one drain per inbox). */
  private async routeOpened(session: ClientSession, events: LedgerEvent<RoomCreatedData>[]): Promise<void> {
    const byInbox = new Map<string, LedgerEvent<RoomCreatedData>[]>();
    for (const event of events) {
      const key = `${event.envelope.accountId}\u0000${event.envelope.data.support?.inbox_id}`;
      byInbox.set(key, [...(byInbox.get(key) ?? []), event]);
    }
    for (const opened of byInbox.values()) {
      const { accountId } = opened[0].envelope;
      const inboxId = toObjectId(opened[0].envelope.data.support?.inbox_id ?? '', 'support.inbox_id');
      const inbox = await this.routing.lock(session, accountId, inboxId);
      const roomIds = opened.map(({ envelope }) => toObjectId(envelope.data.room_id, 'room_id'));
      // A room's first messages may be stored before routing hears of the room.
      const firsts = await this.roomMessages.firstExchanges(accountId, roomIds, session);
      await this.assignments.insertOpened(
        opened.map(({ envelope }, index) => ({
          account_id: accountId,
          room_id: roomIds[index],
          inbox_id: inboxId,
          contact: envelope.data.support?.contact ?? {},
          opened_at: new Date(envelope.occurredAt),
          contact_first_message_at: firsts.get(roomIds[index].toHexString())?.contactAt ?? null,
          first_response_at: firsts.get(roomIds[index].toHexString())?.responseAt ?? null,
        })),
        session,
      );
      // A room of an inbox deleted meanwhile waits, unassigned.
      if (inbox) {
        await this.routing.drain(session, inbox, { fresh: new Set(roomIds.map((id) => id.toHexString())), correlationId: opened[0].correlationId, trace: opened[0].trace });
      }
    }
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

  @OnEvent(EventTopics.SupportMessageCreated)
  async onSupportMessageCreated(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.handle<MessageCreatedData>('support-routing.message-created', payload, context, async (envelope) => {
      await this.supportMessages([{ envelope, correlationId: correlationIdOfKafka(context) }]);
    });
  }

  /** Activity, the contact's first message and the team's first response of support rooms, from their messages. */
  private async recordMessages(session: ClientSession, events: LedgerEvent<MessageCreatedData>[]): Promise<void> {
    for (const { envelope, correlationId, trace } of events) {
      const { message } = envelope.data;
      const roomId = toObjectId(envelope.data.room_id, 'room_id');
      const created = new Date(message.created);
      const entry = await this.assignments.findByRoom(envelope.accountId, roomId, session);
      // Not opened here yet: opening reads the room's first messages itself.
      if (!entry) continue;
      await this.assignments.touch(roomId, toObjectId(message.id, 'message.id'), created, session);
      if (message.conversation_id === null) {
        if (!entry.contact_first_message_at) {
          await this.assignments.change(roomId, { contact_first_message_at: null }, { $set: { contact_first_message_at: created } }, session);
        }
        continue;
      }
      if (message.private || entry.first_response_at || !entry.contact_first_message_at || created < entry.contact_first_message_at) continue;
      const answered = await this.assignments.change(roomId, { first_response_at: null }, { $set: { first_response_at: created } }, session);
      if (!answered) continue;
      const inbox = await this.inboxes.findLive(envelope.accountId, answered.inbox_id, session);
      await this.outbox.add(session, [supportUpdatedEvent(answered, inbox, null)], correlationId, trace);
    }
  }
}
