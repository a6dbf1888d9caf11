import type {
  EventEnvelope,
  MessageCreatedData,
  MessageDeletedData,
  MessageStateView,
  MessageUpdatedData,
  ReminderDueData,
  MessageView,
  PresenceChangedData,
  PresenceStatus,
  RoomCreatedData,
  RoomReadData,
  RoomType,
  RoomUpdatedData,
  SupportAssignedData,
} from '@parley/contracts';

/** Conversations that see a room: its members and, for a support room, its inbox's team. */
function viewersOf(data: { members: string[]; team?: string[] }): string[] {
  return data.team ? [...new Set([...data.members, ...data.team])] : data.members;
}

/** `new_message`: ids, and the message itself (the one document a push carries whole). */
export interface NewMessagePush {
  event: 'new_message';
  room_id: string;
  message: PushedMessage & Pick<MessageView, 'client_message_id'>;
  /** Only for members who snoozed the room: show it, but quietly. */
  snoozed?: true;
}

/** `room_updated`: the room's new last message, with the receiving member's own unread count. */
export interface RoomUpdatedPush {
  event: 'room_updated';
  room_id: string;
  last_message_id: string | null;
  last_activity: string;
  unread_count: number;
  /** How many of those unread messages mention the receiving member. */
  mention_count: number;
  /** Only when the event carries the room's name. */
  name?: string | null;
  /** Only to members this change took out of the room: the last event they get for it. */
  removed?: true;
  /** Only when the room was deleted. */
  deleted?: true;
  /** Only when this change put members in or took them out: who is in the room now. */
  members?: string[];
  /** Support rooms: open or resolved, and who holds it (status and assignment changes arrive so). */
  support?: { status: 'open' | 'resolved'; assignee: string | null };
  /** Only after the receiving member changed their own settings of the room (on another device, say). */
  favorite?: boolean;
  snoozed_until?: string | null;
}

/** `read_receipt`: a member read the room up to a message. */
export interface ReadReceiptPush {
  event: 'read_receipt';
  room_id: string;
  conversation_id: string;
  message_id: string;
}

/** `room_created`: the member was put in a new room. */
export interface RoomCreatedPush {
  event: 'room_created';
  room_id: string;
  type: RoomType;
}

/** `status_changed`: a team member went online or offline (to every socket of the account). */
export interface StatusChangedPush {
  event: 'status_changed';
  conversation_id: string;
  user_id: string;
  status: PresenceStatus;
}

/** `message_updated`: a message's content was edited; with `favorite`, the user (un)favorited it on another device. */
export interface MessageUpdatedPush {
  event: 'message_updated';
  room_id: string;
  message: PushedMessage & Pick<MessageStateView, 'edited_at' | 'deleted'>;
  favorite?: boolean;
}

/** `message_deleted`: drop the message (for this user only, or for everyone). */
export interface MessageDeletedPush {
  event: 'message_deleted';
  room_id: string;
  message_id: string;
  for: MessageDeletedData['for'];
  /** The message's change number from this deletion on (see `rev` of a message). */
  rev?: number;
}

/** `reminder_due`: a reminder the user set on a message fell due. */
export interface ReminderDuePush {
  event: 'reminder_due';
  reminder_id: string;
  message_id: string;
  room_id: string;
  at: string;
}

/** `support_assigned`: a support room was given to the receiving member. */
export interface SupportAssignedPush extends SupportAssignedData {
  event: 'support_assigned';
}

/** Every socket event realtime pushes; the Socket.IO event name is the payload's `event`. */
export type Push =
  | NewMessagePush
  | RoomUpdatedPush
  | ReadReceiptPush
  | RoomCreatedPush
  | StatusChangedPush
  | MessageUpdatedPush
  | MessageDeletedPush
  | ReminderDuePush
  | SupportAssignedPush;

/** One payload for the devices of some conversations (or of the whole account), sent as one broadcast. */
export interface Delivery {
  conversationIds: string[];
  /** Every socket of the envelope's account gets it (team-wide events such as presence). */
  wholeAccount?: true;
  payload: Push;
}

/** `status_changed` to the whole team. */
export function statusChangedDeliveries(envelope: EventEnvelope<PresenceChangedData>): Delivery[] {
  const { conversation_id, user_id, status } = envelope.data;
  return [{ conversationIds: [], wholeAccount: true, payload: { event: 'status_changed', conversation_id, user_id, status } }];
}

type PushedMessage = Pick<
  MessageView,
  'id' | 'content' | 'conversation_id' | 'created' | 'attachments' | 'seq' | 'rev' | 'source' | 'contact' | 'private' | 'subject' | 'delivery' | 'policy' | 'is_read' | 'read_at' | 'reactions' | 'mentions' | 'mention_everyone' | 'pinned'
>;

/**
 * The part of a message every message push carries (design.md section 5: the message itself,
 * nothing more), as the API shows it: where it came from (chat, SMS, email); in support rooms also
 * the contact who wrote it, whether it is a team note, and where its SMS or email stands; in
 * listing rooms its read state and what the content policy masked.
 */
function pushedMessage(message: MessageView): PushedMessage {
  const { id, content, conversation_id, created, attachments, seq, rev, source } = message;
  return {
    id,
    content,
    conversation_id,
    created,
    attachments,
    seq,
    rev,
    source,
    ...(message.contact ? { contact: message.contact } : {}),
    ...(message.private ? { private: true } : {}),
    ...(message.subject ? { subject: message.subject } : {}),
    ...(message.delivery ? { delivery: message.delivery } : {}),
    ...(message.policy ? { policy: message.policy } : {}),
    ...(message.is_read !== undefined ? { is_read: message.is_read, read_at: message.read_at ?? null } : {}),
    ...(message.reactions ? { reactions: message.reactions } : {}),
    ...(message.mentions ? { mentions: message.mentions } : {}),
    ...(message.mention_everyone ? { mention_everyone: true as const } : {}),
    ...(message.pinned ? { pinned: message.pinned } : {}),
  };
}

/** `new_message` to every member the message was stored for (the sender's other devices too). */
export function newMessageDeliveries(envelope: EventEnvelope<MessageCreatedData>): Delivery[] {
  const { room_id, message, receivers } = envelope.data;
  const payload: NewMessagePush = {
    event: 'new_message',
    room_id,
    message: { ...pushedMessage(message), client_message_id: message.client_message_id },
  };
  const snoozed = new Set(envelope.data.snoozed ?? []);
  const quiet = receivers.filter((receiver) => snoozed.has(receiver));
  const loud = receivers.filter((receiver) => !snoozed.has(receiver));
  return [
    { conversationIds: loud, payload },
    ...(quiet.length > 0 ? [{ conversationIds: quiet, payload: { ...payload, snoozed: true as const } }] : []),
  ];
}

/**
 * `room_updated` to each member with that member's own unread count (0 when the event has none
 * for it), and once more to members the change removed, marked `removed`; `room_created` to
 * members it added. Members with the same
 * count share one broadcast, so a large channel costs a few broadcasts, not one per member.
 */
export function roomUpdatedDeliveries(envelope: EventEnvelope<RoomUpdatedData>): Delivery[] {
  const { data } = envelope;
  const base: RoomUpdatedPush = {
    event: 'room_updated',
    room_id: data.room_id,
    last_message_id: data.last_message_id,
    last_activity: data.last_activity,
    unread_count: 0,
    mention_count: 0,
    ...(data.name !== undefined ? { name: data.name } : {}),
    ...(data.deleted ? { deleted: true as const } : {}),
    ...(data.added?.length || data.removed?.length ? { members: data.members } : {}),
    ...(data.support ? { support: data.support } : {}),
  };
  // A deleted room has nothing left to read: every member's badge for it goes to 0, as a removed member's does.
  const counts = new Map(
    data.deleted ? [] : data.unread_count.map((entry) => [entry.conversation_id, { unread_count: entry.count, mention_count: entry.mention_count ?? 0 }]),
  );
  const none = { unread_count: 0, mention_count: 0 };
  if (data.member_state) {
    // One member's own settings: nobody else's devices hear of it.
    const { conversation_id, favorite, snoozed_until } = data.member_state;
    return [{ conversationIds: [conversation_id], payload: { ...base, ...(counts.get(conversation_id) ?? none), favorite, snoozed_until } }];
  }
  // A 1,000-member channel's update is a handful of broadcasts, one per pair of counts its members have.
  const viewers = viewersOf(data);
  const byCount = new Map<string, { count: typeof none; conversationIds: string[] }>();
  for (const conversationId of viewers) {
    const count = counts.get(conversationId) ?? none;
    const key = `${count.unread_count}/${count.mention_count}`;
    const same = byCount.get(key);
    if (same) same.conversationIds.push(conversationId);
    else byCount.set(key, { count, conversationIds: [conversationId] });
  }
  const deliveries: Delivery[] = [...byCount.values()].map(({ count, conversationIds }) => ({
    conversationIds,
    payload: { ...base, ...count },
  }));
  const viewing = new Set(viewers);
  const removed = (data.removed ?? []).filter((conversationId) => !viewing.has(conversationId));
  if (removed.length > 0) {
    // Who stays is no longer their business.
    const { members: _members, ...last } = base;
    deliveries.push({ conversationIds: removed, payload: { ...last, removed: true } });
  }
  // To members just put in, the room is new: the push a client already handles by fetching it,
  // first, so that its update does not arrive for a room the client has not heard of.
  const added = (data.added ?? []).filter((conversationId) => viewing.has(conversationId));
  if (added.length > 0 && data.type) deliveries.unshift({ conversationIds: added, payload: { event: 'room_created', room_id: data.room_id, type: data.type } });
  return deliveries;
}

/** `read_receipt` to every member (the reader's other devices clear their badge with it). */
export function readReceiptDeliveries(envelope: EventEnvelope<RoomReadData>): Delivery[] {
  const { data } = envelope;
  return [
    {
      conversationIds: data.members,
      payload: { event: 'read_receipt', room_id: data.room_id, conversation_id: data.conversation_id, message_id: data.message_id },
    },
  ];
}

/** `room_created` to every member (and a support room's team). */
export function roomCreatedDeliveries(envelope: EventEnvelope<RoomCreatedData>): Delivery[] {
  const { data } = envelope;
  return [{ conversationIds: viewersOf(data), payload: { event: 'room_created', room_id: data.room_id, type: data.type } }];
}

/** `message_updated` to everyone who may see the message; a favorite to its member's devices alone. */
export function messageUpdatedDeliveries(envelope: EventEnvelope<MessageUpdatedData>): Delivery[] {
  const { room_id, message, receivers, member_state } = envelope.data;
  const payload: MessageUpdatedPush = {
    event: 'message_updated',
    room_id,
    // deleted says whether it is: a service's soft delete can be taken back.
    message: { ...pushedMessage(message), edited_at: message.edited_at, deleted: message.deleted },
  };
  // One member's own favorite: nobody else's devices hear of it.
  if (member_state) return [{ conversationIds: [member_state.conversation_id], payload: { ...payload, favorite: member_state.favorite } }];
  return [{ conversationIds: receivers, payload }];
}

/** `message_deleted` to the devices that should drop it. */
export function messageDeletedDeliveries(envelope: EventEnvelope<MessageDeletedData>): Delivery[] {
  const { room_id, message_id, receivers, rev } = envelope.data;
  return [{ conversationIds: receivers, payload: { event: 'message_deleted', room_id, message_id, for: envelope.data.for, ...(rev !== undefined ? { rev } : {}) } }];
}

/** `reminder_due` to the devices of the user who set it, and no one else. */
export function reminderDueDeliveries(envelope: EventEnvelope<ReminderDueData>): Delivery[] {
  const { reminder_id, message_id, room_id, conversation_id, at } = envelope.data;
  return [{ conversationIds: [conversation_id], payload: { event: 'reminder_due', reminder_id, message_id, room_id, at } }];
}

/** `support_assigned` to every device of the member a support room was just given to. */
export function supportAssignedDeliveries(envelope: EventEnvelope<SupportAssignedData>): Delivery[] {
  const { room_id, inbox_id, assignee, rule } = envelope.data;
  return [{ conversationIds: [assignee], payload: { event: 'support_assigned', room_id, inbox_id, assignee, rule } }];
}
