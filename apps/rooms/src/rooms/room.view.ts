import type { RoomView } from '@parley/contracts';
import { toSupportStateView, type Room } from '@parley/database';
import type { Types } from 'mongoose';

export type StoredRoom = Room & { _id: Types.ObjectId };

/**
 * A stored room as the API shows it to one member (their own unread count), or to a support team
 * member who is not one. `memberLimit` (lists of rooms) keeps the viewer and the first others up to it.
 */
export function toRoomView(room: StoredRoom, viewer: Types.ObjectId | null, memberLimit = Infinity): RoomView {
  const unread = viewer ? room.unread_count.find((entry) => entry.conversation_id.equals(viewer)) : undefined;
  const me = viewer ? room.members.find((member) => member.conversation_id.equals(viewer)) : undefined;
  const snoozedUntil = me?.snoozed_until && me.snoozed_until.getTime() > Date.now() ? me.snoozed_until : null;
  return {
    id: room._id.toHexString(),
    type: room.type,
    name: room.name,
    members: shownMembers(room.members, me, memberLimit).map((member) => ({
      conversation_id: member.conversation_id.toHexString(),
      user_id: member.user_id,
      last_message_read: member.last_message_read?.toHexString() ?? null,
    })),
    member_count: room.members.length,
    last_message_id: room.last_message_id?.toHexString() ?? null,
    last_message_at: room.last_message_id ? room.last_activity.toISOString() : null,
    last_activity: room.last_activity.toISOString(),
    unread_count: unread?.count ?? 0,
    mention_count: unread?.mention_count ?? 0,
    listing_id: room.listing_id ?? null,
    favorite: me?.favorite ?? false,
    snoozed_until: snoozedUntil?.toISOString() ?? null,
    ...(room.support ? { support: toSupportStateView(room.support) } : {}),
    created: room.created.toISOString(),
    updated: room.updated.toISOString(),
  };
}

function shownMembers(members: StoredRoom['members'], viewer: StoredRoom['members'][number] | undefined, limit: number): StoredRoom['members'] {
  if (members.length <= limit) return members;
  const others = members.filter((member) => member !== viewer).slice(0, viewer ? limit - 1 : limit);
  return viewer ? [viewer, ...others] : others;
}
