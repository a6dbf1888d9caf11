import type {
  EventEnvelope,
  MessageCreatedData,
  RoomCreatedData,
  RoomReadData,
  RoomUpdatedData,
} from '@parley/contracts';
import type { Delivery } from './push.service.js';

/** `new_message` to every member the message was stored for: ids, and the message itself. */
export function newMessageDeliveries(envelope: EventEnvelope<MessageCreatedData>): Delivery[] {
  const { message } = envelope.data;
  const payload = {
    event: 'new_message',
    room_id: envelope.data.room_id,
    message: {
      id: message.id,
      content: message.content,
      conversation_id: message.conversation_id,
      created: message.created,
      attachments: message.attachments,
      seq: message.seq,
      client_message_id: message.client_message_id,
    },
  };
  return envelope.data.receivers.map((conversationId) => ({ conversationId, event: 'new_message', payload }));
}

/** `room_updated` to each member with that member's own unread count. */
export function roomUpdatedDeliveries(envelope: EventEnvelope<RoomUpdatedData>): Delivery[] {
  const { data } = envelope;
  return data.members.map((conversationId) => ({
    conversationId,
    event: 'room_updated',
    payload: {
      event: 'room_updated',
      room_id: data.room_id,
      last_message_id: data.last_message_id,
      last_activity: data.last_activity,
      unread_count: data.unread_count.find((entry) => entry.conversation_id === conversationId)?.count ?? 0,
    },
  }));
}

/** `read_receipt` to every member (the reader's other devices clear their badge with it). */
export function readReceiptDeliveries(envelope: EventEnvelope<RoomReadData>): Delivery[] {
  const { data } = envelope;
  const payload = { event: 'read_receipt', room_id: data.room_id, conversation_id: data.conversation_id, message_id: data.message_id };
  return data.members.map((conversationId) => ({ conversationId, event: 'read_receipt', payload }));
}

/** `room_created` to every member. */
export function roomCreatedDeliveries(envelope: EventEnvelope<RoomCreatedData>): Delivery[] {
  const { data } = envelope;
  const payload = { event: 'room_created', room_id: data.room_id, type: data.type };
  return data.members.map((conversationId) => ({ conversationId, event: 'room_created', payload }));
}
