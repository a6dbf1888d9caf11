import {
  createEnvelope,
  EventTopics,
  type Actor,
  type EventEnvelope,
  type RoomCreatedData,
  type RoomUpdatedData,
} from '@parley/contracts';
import type { Types } from 'mongoose';
import { toRoomView, type StoredRoom } from './room.view.js';

/** `parley.room.created` for a new room. */
export function roomCreatedEvent(room: StoredRoom, actor: Actor | null): EventEnvelope<RoomCreatedData> {
  const data: RoomCreatedData = {
    room_id: room._id.toHexString(),
    type: room.type,
    members: room.members.map((member) => member.conversation_id.toHexString()),
    ...(room.support
      ? {
          support: { inbox_id: room.support.inbox_id?.toHexString() ?? null, contact: { ...room.support.contact } },
          team: room.support.team.map((id) => id.toHexString()),
        }
      : {}),
  };
  return createEnvelope({ type: EventTopics.RoomCreated, accountId: room.account_id, key: data.room_id, actor, data });
}

/** `parley.room.updated` with the room's state; `removed` members are told once more, then no more; `added` ones were just put in. */
export function roomUpdatedEvent(room: StoredRoom, actor: Actor | null, removed: string[] = [], added: string[] = []): EventEnvelope<RoomUpdatedData> {
  const data: RoomUpdatedData = {
    room_id: room._id.toHexString(),
    type: room.type,
    name: room.name,
    last_message_id: room.last_message_id?.toHexString() ?? null,
    last_activity: room.last_activity.toISOString(),
    unread_count: room.unread_count.map((entry) => ({ conversation_id: entry.conversation_id.toHexString(), count: entry.count, mention_count: entry.mention_count ?? 0 })),
    members: room.members.map((member) => member.conversation_id.toHexString()),
    ...(room.support
      ? { team: room.support.team.map((id) => id.toHexString()), support: { status: room.support.status, assignee: room.support.assignee?.toHexString() ?? null } }
      : {}),
    ...(removed.length > 0 ? { removed } : {}),
    ...(added.length > 0 ? { added } : {}),
    ...(room.deleted ? { deleted: true } : {}),
  };
  return createEnvelope({ type: EventTopics.RoomUpdated, accountId: room.account_id, key: data.room_id, actor, data });
}

/** `parley.room.updated` for one member's own settings of the room (favorite, snooze): their other devices follow. */
export function memberStateEvent(room: StoredRoom, member: Types.ObjectId, actor: Actor | null): EventEnvelope<RoomUpdatedData> {
  const envelope = roomUpdatedEvent(room, actor);
  const state = toRoomView(room, member);
  envelope.data.member_state = { conversation_id: member.toHexString(), favorite: state.favorite, snoozed_until: state.snoozed_until };
  return envelope;
}
