import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { ClientSession, Connection, Types } from 'mongoose';
import {
  AppError,
  createEnvelope,
  EventTopics,
  characterCount,
  isWholeText,
  Limits,
  Scopes,
  type Actor,
  type AttachmentView,
  type ContentPolicyView,
  type DeliveryChannel,
  type DeliveryRequestedData,
  type MessageCreatedData,
  type MessageCreatePayload,
  type MessageCreateResult,
  type MessageDeletedData,
  type MessageDeletePayload,
  type MessageFromContactPayload,
  type MessageHistoryView,
  type MessageListPayload,
  type MessagePolicyView,
  type MessageSearchPayload,
  type MentionListPayload,
  type MessageStateView,
  type MessageUpdatePayload,
  type Page,
} from '@parley/contracts';
import {
  decodeCursor,
  encodeCursor,
  GroupCommit,
  onePosition,
  outcomeOf,
  outcomeOfSync,
  runTransaction,
  timeCursor,
  timePosition,
  toObjectId,
  type Outcome,
  type SupportContactEntry,
} from '@parley/database';
import { Outbox, type OutboxEvent } from '@parley/kafka';
import { currentTraceHeaders, type TraceHeaders } from '@parley/platform';
import { ContentPolicyRepository } from '../content-policy/content-policy.repository.js';
import { applyContentPolicy } from '../content-policy/contact-details.js';
import { OutboundPlanner, type OutboundPlan } from '../delivery/outbound-planner.js';
import { FavoritesRepository } from '../favorites/favorites.repository.js';
import { RemindersRepository } from '../reminders/reminders.repository.js';
import { ContentSanitizer } from './content-sanitizer.js';
import { plainTextOf, showsAnything } from './plain-text.js';
import { MessageAccess } from './message-access.js';
import { MessagesRepository, type ChangePosition } from './messages.repository.js';
import { toPage } from './paging.js';
import { RoomAccess, type MemberRoom } from './room-access.js';
import { StoredAttachments } from './stored-attachments.js';
import { messageUpdatedData, toChangeView, toMessageView, type StoredMessage } from './message.view.js';

type SeqCursor = { s: number };
/** A page of changes' cursor: past change number `r`, and within it past message `id`. */
type ChangeCursor = { r: number; id?: string };

interface CreateRequest {
  actor: Actor;
  /** The send, its attachments verified (before it joins a group commit). */
  payload: CheckedPayload;
  correlationId?: string;
  /** The span of the send (tracing on): its events name it, whichever send's context the group commit runs in. */
  trace?: TraceHeaders;
  /** The send command's id: a send without a clientMessageId is keyed by it, so the command handed again stores nothing new. */
  commandId?: string;
}

/** A send's payload once its attachments are verified: each one complete, as it will be stored. */
type CheckedPayload = Omit<MessageCreatePayload, 'attachments'> & { attachments?: AttachmentView[] };

interface CheckedSend extends Omit<CreateRequest, 'payload'> {
  payload: CheckedPayload;
  room: MemberRoom['room'];
  /** Going out by SMS or email too. */
  outbound?: OutboundPlan;
  /** Listing rooms: what the content policy masked. */
  policy?: MessagePolicyView;
  content: string;
  /** Who wrote it: the caller's conversation, or null for a support room's contact. */
  author: Types.ObjectId | null;
  /** The members it mentions, each able to read the room. */
  mentions?: Types.ObjectId[];
  /** It mentions everyone who reads the room. */
  mentionEveryone?: boolean;
  authorUserId: string;
  contact?: SupportContactEntry;
  /** The command that stores it, and its place in that command (MessageSchema's command_key). */
  commandKey?: string;
}

/** A MongoDB id as text: a message's, a room's. */
const OBJECT_ID = /^[0-9a-f]{24}$/i;

/** The sends of a group commit were not all accepted: the numbers taken for them are rolled back. */
class SpeculationMissed extends Error {}

/** Who gets a new message: the room's members and, in a support room, its inbox's team. */
function receiversOf(room: MemberRoom['room']): Types.ObjectId[] {
  const receivers = [...room.members.map((member) => member.conversation_id)];
  for (const member of room.support?.team ?? []) {
    if (!receivers.some((receiver) => receiver.equals(member))) receivers.push(member);
  }
  return receivers;
}

/** Members whose snooze of the room has not ended: their devices get this message quietly, unless it mentions them. */
function snoozedMembers(members: { conversation_id: { toHexString(): string }; snoozed_until?: Date | null }[], mentions: Types.ObjectId[] = []): string[] {
  const now = Date.now();
  return members
    .filter((member) => member.snoozed_until && member.snoozed_until.getTime() > now)
    .map((member) => member.conversation_id.toHexString())
    .filter((member) => !mentions.some((mentioned) => mentioned.toHexString() === member));
}

/**
 * The members a send mentions, as ids: each must be able to read the room (a member, or in a
 * support room one of its inbox's team), else a 422 naming `mentions`. Listing rooms take none.
 */
function mentionsOf(room: MemberRoom['room'], mentions: string[] | undefined): Types.ObjectId[] {
  if (!mentions?.length) return [];
  if (room.type === 'listing') throw AppError.unprocessable('mentions', 'listing messages mention nobody: a listing room holds its two users only');
  const readers = receiversOf(room);
  return mentions.map((text) => {
    const mentioned = readers.find((reader) => reader.toHexString() === text.toLowerCase());
    if (!mentioned) throw AppError.unprocessable('mentions', `${text} cannot read this room: mention its members only`);
    return mentioned;
  });
}

/** Storing, changing and reading messages. */
@Injectable()
export class MessagesService {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly messages: MessagesRepository,
    private readonly access: RoomAccess,
    private readonly messageAccess: MessageAccess,
    private readonly sanitizer: ContentSanitizer,
    private readonly favorites: FavoritesRepository,
    private readonly reminders: RemindersRepository,
    private readonly outbox: Outbox,
    private readonly outboundPlanner: OutboundPlanner,
    private readonly storedAttachments: StoredAttachments,
    private readonly contentPolicies: ContentPolicyRepository,
  ) {}

  private readonly creates = new GroupCommit<CreateRequest, MessageCreateResult>((requests) => this.createBatch(requests));

  /**
   * Stores a message and its `parley.message.created` event in one transaction, shared with the
   * other messages sent at the same moment (a group commit). A retry with the same clientMessageId
   * returns the stored message and stores nothing.
   */
  async create(actor: Actor, payload: MessageCreatePayload, correlationId?: string, commandId?: string): Promise<MessageCreateResult> {
    // Stored files are checked with the storage before the send joins a group commit: a storage slow
    // to answer holds up this send, not every send of its batch (and of the batches behind it).
    const attachments = payload.attachments ? await this.storedAttachments.verify(actor, payload.attachments) : undefined;
    return this.creates.submit({ actor, payload: { ...payload, attachments }, correlationId, trace: currentTraceHeaders(), commandId });
  }

  /**
   * One group commit: each send checked on its own, the accepted ones stored together. The rooms'
   * sequence numbers are taken in the transaction while the rooms are read for the checks (one
   * MongoDB round trip less on every send); in the rare batch where a send with a well-formed room
   * id is refused, that transaction is rolled back, numbers and all, and the accepted sends are
   * stored in a new one, so seq stays gap-free.
   */
  private async createBatch(submitted: CreateRequest[]): Promise<Outcome<MessageCreateResult>[]> {
    const checking = this.checkBatch(submitted);
    // Awaited below in every case; until then a failed check must not count as an unhandled rejection.
    checking.catch(() => undefined);
    const numbered = submitted.flatMap(({ payload }) => (OBJECT_ID.test(payload.roomId) ? [toObjectId(payload.roomId, 'id')] : []));
    let views: MessageStateView[] | null = null;
    let failure: unknown = null;
    if (numbered.length > 0) {
      try {
        views = await runTransaction(this.connection, async (session) => {
          const [places, checked] = await Promise.all([this.messages.nextPlaces(numbered, session), checking]);
          const sends = checked.flatMap((check) => (check.ok ? [check.value] : []));
          // Every numbered room is an accepted send's, in the same order: the numbers are theirs.
          if (sends.length !== numbered.length) throw new SpeculationMissed();
          return this.storeNumbered(session, sends, places);
        });
      } catch (error) {
        failure = error;
      }
    }
    const checked = await checking;
    const outcomes: Outcome<MessageCreateResult>[] = checked.map((check) =>
      check.ok ? { ok: false, error: new Error('not stored') } : check,
    );
    const accepted = checked.flatMap((check, index) => (check.ok ? [{ index, send: check.value }] : []));
    if (accepted.length === 0) return outcomes;
    try {
      // Stored with the numbers taken during the reads; else a send was refused (a new transaction
      // numbers the others) or storing failed (handled below).
      if (failure !== null && !(failure instanceof SpeculationMissed)) throw failure;
      const stored = views ?? (await this.store(accepted.map(({ send }) => send)));
      accepted.forEach(({ index }, position) => (outcomes[index] = { ok: true, value: { created: true, message: stored[position] } }));
    } catch (error) {
      if (accepted.length === 1) {
        outcomes[accepted[0].index] = await outcomeOf(() => this.replayOrThrow(accepted[0].send, error));
      } else {
        // Something in the batch failed it (most likely one retried clientMessageId): each on its own.
        for (const { index, send } of accepted) {
          outcomes[index] = await outcomeOf(() => this.store([send]).then(
            ([message]) => ({ created: true, message }),
            (single: unknown) => this.replayOrThrow(send, single),
          ));
        }
      }
    }
    return outcomes;
  }

  /** What each send of a group commit may store: its room read, its content checked, its SMS or email planned. */
  private async checkBatch(submitted: CreateRequest[]): Promise<Outcome<CheckedSend>[]> {
    const rooms = await this.access.memberRooms(submitted.map(({ actor, payload }) => ({ actor, roomId: payload.roomId })));
    const listingAccounts = rooms.flatMap((room) => (room.ok && room.value.room.type === 'listing' ? [room.value.room.account_id] : []));
    const policies = listingAccounts.length > 0 ? await this.contentPolicies.ofAccounts(listingAccounts) : new Map<string, ContentPolicyView>();
    const checked = submitted.map((request, index) => {
      const room = rooms[index];
      if (!room.ok) return room;
      return outcomeOfSync(() => this.checkSend(request, room.value, policies.get(room.value.room.account_id)));
    });
    await this.planOutbound(checked);
    return checked;
  }

  /** Plans the SMS or email of each checked send that goes out; a send that cannot go out fails on its own (409). */
  private async planOutbound(checked: Outcome<CheckedSend>[]): Promise<void> {
    const going = checked.flatMap((check, index) =>
      check.ok && this.outboundPlanner.needsPlan(check.value.room, check.value.payload.source, check.value.payload.private) ? [index] : [],
    );
    if (going.length === 0) return;
    const sends = going.map((index) => (checked[index] as { value: CheckedSend }).value);
    const [inboxes, threads] = await Promise.all([
      this.outboundPlanner.inboxesOf(sends.map((send) => send.room)),
      this.outboundPlanner.emailThreadsOf(sends.filter((send) => send.payload.source === 'email').map((send) => send.room._id)),
    ]);
    going.forEach((index, at) => {
      const send = sends[at];
      checked[index] = outcomeOfSync(() => ({
        ...send,
        outbound: this.outboundPlanner.plan(
          send.room,
          send.payload.source as DeliveryChannel,
          inboxes.get(send.room.support?.inbox_id?.toHexString() ?? ''),
          send.payload.subject,
          threads.get(send.room._id.toHexString()),
        ),
      }));
    });
  }

  /** What a member may send: the cleaned content, within the limits. */
  private checkSend({ actor, payload, correlationId, trace, commandId }: CreateRequest, { room, conversationId }: MemberRoom, policy?: ContentPolicyView): CheckedSend {
    if (payload.private && room.type !== 'support') throw AppError.unprocessable('private', 'private notes exist only in support rooms');
    // An SMS or email goes to a room's contact: a room without one, or a note kept in the team, has nobody to send it to.
    if ((payload.source === 'sms' || payload.source === 'email') && (!room.support || payload.private)) {
      throw AppError.unprocessable('source', `${payload.source} goes to a support room's contact: ${payload.private ? 'a private note never leaves the team' : 'this room has no contact'}`);
    }
    const mentions = mentionsOf(room, payload.mentions);
    if (payload.mention_everyone && room.type === 'listing') throw AppError.unprocessable('mention_everyone', 'listing messages mention nobody: a listing room holds its two users only');
    const cleaned = this.cleanContent(payload.content);
    // Listing rooms keep deals on the platform, as the account's content policy says.
    const applied = room.type === 'listing' && policy ? applyContentPolicy(cleaned, policy, payload.attachments) : { content: cleaned };
    return {
      actor,
      payload: applied.attachments ? { ...payload, attachments: applied.attachments } : payload,
      correlationId,
      trace,
      room,
      content: applied.content,
      ...(applied.policy ? { policy: applied.policy } : {}),
      author: conversationId,
      ...(mentions.length > 0 ? { mentions } : {}),
      ...(payload.mention_everyone ? { mentionEveryone: true } : {}),
      authorUserId: actor.userId,
      // The caller's clientMessageId keys a send already; without one, the command does.
      ...(commandId && !payload.clientMessageId ? { commandKey: `${commandId}:0` } : {}),
    };
  }

  /**
   * Stores messages another service writes in listing rooms (the m2m endpoints), checked by the
   * caller, with the account's content policy applied: all in one transaction, every one or none.
   * Keyed by `commandId` (the caller's Idempotency-Key, else the command's id): that command run
   * again (a retry with the key, or Kafka handing it again after a crash) gets the messages it stored
   * then instead of a second copy; the key naming other messages is a 409.
   */
  async storeFromService(
    actor: Actor,
    items: { room: MemberRoom['room']; author: Types.ObjectId; authorUserId: string; content: string; contentField: string }[],
    correlationId?: string,
    commandId?: string,
  ): Promise<MessageStateView[]> {
    const policy = (await this.contentPolicies.ofAccounts([actor.accountId])).get(actor.accountId);
    const keys = commandId ? items.map((_, index) => `${commandId}:${index}`) : undefined;
    const sends: CheckedSend[] = items.map((item, index) => {
      const cleaned = this.cleanContent(item.content, item.contentField);
      const applied = policy ? applyContentPolicy(cleaned, policy) : { content: cleaned };
      return {
        actor: { ...actor, userId: item.authorUserId },
        payload: { roomId: item.room._id.toHexString(), content: item.content },
        correlationId,
        room: item.room,
        content: applied.content,
        ...(applied.policy ? { policy: applied.policy } : {}),
        author: item.author,
        authorUserId: item.authorUserId,
        ...(keys ? { commandKey: keys[index] } : {}),
      };
    });
    try {
      return await this.store(sends);
    } catch (error) {
      if ((error as { code?: number }).code !== 11000 || !keys) throw error;
      const stored = await this.messages.findByCommandKeys(actor.accountId, keys);
      const same = (message: StoredMessage, index: number) => message.room_id.equals(sends[index].room._id) && message.content === sends[index].content;
      if (stored.length === keys.length && stored.every(same)) return stored.map((message) => toMessageView(message));
      // Only a caller's key can name other messages (a command is handed again as it was).
      if (stored.length === 0) throw error;
      throw AppError.conflict('This Idempotency-Key was used for other messages: use a new key for new messages', 'Idempotency-Key');
    }
  }

  /**
   * Stores a message the contact of a support room wrote (the first message of an opened room, an
   * inbound SMS or email). A retry with the same `externalId` returns the stored message.
   */
  async createFromContact(actor: Actor, payload: MessageFromContactPayload, correlationId?: string): Promise<MessageCreateResult> {
    const [room, opener] = await Promise.all([this.access.supportRoom(actor, payload.roomId), this.access.conversationOf(actor)]);
    const support = room.support as NonNullable<typeof room.support>;
    const clientMessageId = payload.externalId ? `${payload.source}:${payload.externalId}` : undefined;
    const send: CheckedSend = {
      // The envelope's actor is who put the contact's words in (a user opening a room, or the webhook's service).
      actor: opener ? { ...actor, conversationId: opener.toHexString() } : actor,
      payload: { roomId: payload.roomId, content: payload.content, source: payload.source, attachments: payload.attachments, clientMessageId, subject: payload.subject },
      correlationId,
      room,
      content: this.cleanContent(payload.content),
      author: null,
      authorUserId: `contact:${support.contact_key}`,
      contact: support.contact,
    };
    try {
      const [message] = await this.store([send]);
      return { created: true, message };
    } catch (error) {
      if ((error as { code?: number }).code !== 11000 || !clientMessageId) throw error;
      const winner = await this.messages.findByClientMessageId(actor.accountId, null, clientMessageId);
      if (!winner) throw error;
      return this.replay(winner, payload.roomId);
    }
  }

  /** Stores checked sends and their events in one transaction; returns their views in order. */
  private store(sends: CheckedSend[]): Promise<MessageStateView[]> {
    return runTransaction(this.connection, async (session) =>
      this.storeNumbered(session, sends, await this.messages.nextPlaces(sends.map((send) => send.room._id), session)),
    );
  }

  /** Stores checked sends, at `places` taken in this transaction, and their events; returns their views in order. */
  private async storeNumbered(session: ClientSession, sends: CheckedSend[], places: { seq: number; rev: number }[]): Promise<MessageStateView[]> {
    const stored = await this.messages.insertMany(
      sends.map((send, index) => ({
        account_id: send.actor.accountId,
        room_id: send.room._id,
        seq: places[index].seq,
        rev: places[index].rev,
        conversation_id: send.author,
        user_id: send.authorUserId,
        ...(send.contact ? { contact: send.contact } : {}),
        ...(send.payload.private ? { private: true } : {}),
        ...(send.outbound?.subject ? { subject: send.outbound.subject } : send.payload.subject ? { subject: send.payload.subject } : {}),
        ...(send.room.type === 'listing'
          ? { is_read: false, read_at: null, receiver_user_id: send.room.members.find((member) => !send.author?.equals(member.conversation_id))?.user_id }
          : {}),
        ...(send.policy ? { policy: send.policy } : {}),
        ...(send.outbound ? { delivery: { channel: send.outbound.channel, status: 'queued' as const, provider_id: null, error_code: null, updated_at: new Date() } } : {}),
        content: send.content,
        source: send.payload.source ?? 'chat',
        attachments: send.payload.attachments ?? [],
        // A retry is caught by the unique index on clientMessageId rather than a read before every send.
        client_message_id: send.payload.clientMessageId ?? null,
        ...(send.commandKey ? { command_key: send.commandKey } : {}),
        receivers: receiversOf(send.room),
        ...(send.mentions ? { mentions: send.mentions } : {}),
        ...(send.mentionEveryone ? { mention_everyone: true } : {}),
      })),
      session,
    );
    const views = stored.map((message) => toMessageView(message));
    await this.outbox.addEach(
      session,
      sends.flatMap((send, index) => {
        const data: MessageCreatedData = {
          room_id: views[index].room_id,
          message: views[index],
          receivers: stored[index].receivers.map((receiver) => receiver.toHexString()),
          snoozed: snoozedMembers(send.room.members, send.mentions),
          ...(send.room.listing_id ? { listing_id: send.room.listing_id } : {}),
          sender_user_id: send.authorUserId,
          receiver_user_ids: send.room.members.filter((member) => !send.author?.equals(member.conversation_id)).map((member) => member.user_id),
        };
        const by = { ...send.actor, conversationId: send.author?.toHexString() ?? send.actor.conversationId };
        const envelope = createEnvelope({ type: EventTopics.MessageCreated, accountId: send.actor.accountId, key: data.room_id, actor: by, data });
        const cause = { correlationId: send.correlationId, trace: send.trace };
        const events: OutboxEvent[] = [{ envelope, ...cause }];
        if (send.room.type === 'support') {
          const forRouting = createEnvelope({ type: EventTopics.SupportMessageCreated, accountId: send.actor.accountId, key: data.room_id, actor: by, data });
          events.push({ envelope: forRouting, ...cause });
        }
        if (send.outbound) {
          const request: DeliveryRequestedData = {
            room_id: data.room_id,
            message_id: views[index].id,
            channel: send.outbound.channel,
            to: send.outbound.to,
            from: send.outbound.from,
            // The contact gets text, not the stored HTML: `a < b & c`, not `a &lt; b &amp; c`.
            content: plainTextOf(send.content),
            ...(send.outbound.subject ? { subject: send.outbound.subject } : {}),
            ...(send.outbound.inReplyTo ? { in_reply_to: send.outbound.inReplyTo } : {}),
          };
          const stored = (send.payload.attachments ?? []).flatMap((attachment) =>
            attachment.storage_key ? [{ name: attachment.name, content_type: attachment.content_type, storage_key: attachment.storage_key }] : [],
          );
          if (stored.length > 0) request.attachments = stored;
          events.push({
            envelope: createEnvelope({ type: EventTopics.DeliveryRequested, accountId: send.actor.accountId, key: data.room_id, actor: by, data: request }),
            ...cause,
          });
        }
        return events;
      }),
    );
    return views;
  }

  /**
   * A retry, or a concurrent twin, with the same clientMessageId, or the same send command handed
   * again (after a crash): answer with the stored message.
   */
  private async replayOrThrow(send: CheckedSend, error: unknown): Promise<MessageCreateResult> {
    const clientMessageId = send.payload.clientMessageId;
    if ((error as { code?: number }).code === 11000 && !clientMessageId && send.commandKey) {
      const [stored] = await this.messages.findByCommandKeys(send.actor.accountId, [send.commandKey]);
      if (stored) return this.replay(stored, send.room._id.toHexString());
    }
    if ((error as { code?: number }).code !== 11000 || !clientMessageId) throw error;
    const winner = await this.messages.findByClientMessageId(send.actor.accountId, send.author, clientMessageId);
    if (!winner) throw error;
    // A retry sends what it sent before; other content under the same key is a client's mistake, not a retry.
    const sent = winner.edits?.[0]?.content ?? winner.content;
    if (!winner.deleted && sent !== send.content) {
      throw AppError.conflict('clientMessageId was already used for a message with other content: use a new one for a new message', 'clientMessageId');
    }
    return this.replay(winner, send.room._id.toHexString());
  }

  /**
   * A page of a room's messages, newest first, with cursors both ways. `after` (a cursor or a
   * message id) and `afterSeq` start right after that point; `q` searches the room's text.
   * `changedAfter` (or `after` holding a page of changes' cursor) reads the room's changes instead.
   */
  async list(actor: Actor, payload: MessageListPayload): Promise<Page<MessageStateView>> {
    const { room, conversationId } = await this.access.memberRoom(actor, payload.roomId);
    const limit = Math.min(payload.limit ?? Limits.pageSizeDefault, Limits.pageSizeMax);
    onePosition({ before: payload.before, after: payload.after, after_seq: payload.afterSeq, changed_after: payload.changedAfter });
    const changedAfter = payload.changedAfter !== undefined ? { rev: payload.changedAfter } : changePosition(payload.after);
    if (changedAfter) return this.changes(actor, room, conversationId, changedAfter, { field: payload.changedAfter !== undefined ? 'changed_after' : 'after', limit, q: payload.q });
    const q = this.searchText(payload.q, false);
    const beforeSeq = payload.before !== undefined ? await this.seqAt(actor, room._id, payload.before, 'before') : undefined;
    const afterSeq = payload.after !== undefined ? await this.seqAt(actor, room._id, payload.after, 'after') : payload.afterSeq;
    const found = await this.messages.page(actor.accountId, room._id, conversationId, {
      beforeSeq,
      afterSeq,
      q,
      limit: limit + 1,
      wholeRoom: room.type === 'support',
    });
    const cursorOf = (message: StoredMessage) => encodeCursor({ s: message.seq });
    const forward = afterSeq !== undefined;
    return toPage(found, limit, forward, cursorOf, toMessageView, forward ? encodeCursor({ s: afterSeq }) : null);
  }

  /**
   * A page of a room's changes after a position, newest change first, each message once and as it
   * is now. A position past the room's last change is a 422: read from there, the changes up to it
   * would never come (a number from another room, say).
   */
  private async changes(
    actor: Actor,
    room: MemberRoom['room'],
    reader: Types.ObjectId,
    after: ChangePosition,
    { field, limit, q }: { field: 'changed_after' | 'after'; limit: number; q?: string },
  ): Promise<Page<MessageStateView>> {
    if (q !== undefined) throw AppError.unprocessable('q', `q cannot be combined with ${field === 'changed_after' ? 'changed_after' : 'a page of changes'}`);
    const [found, lastRev] = await Promise.all([
      this.messages.changes(actor.accountId, room._id, reader, { after, limit, wholeRoom: room.type === 'support' }),
      this.messages.lastRev(room._id),
    ]);
    if (after.rev > lastRev) throw AppError.unprocessable(field, `${field} is past this room's last change (rev ${lastRev}): resume from a rev or a page of this room`);
    const newest = found[found.length - 1]?.position ?? after;
    const views = new Map<string, MessageStateView>();
    for (const { message } of [...found].reverse()) {
      if (!views.has(message._id.toHexString())) views.set(message._id.toHexString(), toChangeView(message, reader));
    }
    // Caught up, the same position again: a client polls with it.
    const previous = encodeCursor({ r: newest.rev, ...(newest.id ? { id: newest.id.toHexString() } : {}) });
    return { data: [...views.values()], next: null, previous };
  }

  /** Messages matching a text search in every room the caller belongs to or works through an inbox, newest first. */
  async search(actor: Actor, payload: MessageSearchPayload): Promise<Page<MessageStateView>> {
    return this.acrossRooms(actor, payload, { q: this.searchText(payload.q, true) as string });
  }

  /** The messages that mention the caller in every room they belong to or work through an inbox, newest first. */
  async mentions(actor: Actor, payload: MentionListPayload): Promise<Page<MessageStateView>> {
    return this.acrossRooms(actor, payload, { mentioning: true });
  }

  /** A page of the messages across the caller's rooms that match, newest first, by `before` and `after` cursors. */
  private async acrossRooms(actor: Actor, payload: MentionListPayload, match: { q?: string; mentioning?: boolean }): Promise<Page<MessageStateView>> {
    const limit = Math.min(payload.limit ?? Limits.pageSizeDefault, Limits.pageSizeMax);
    onePosition({ before: payload.before, after: payload.after });
    const before = payload.before ? timePosition(payload.before, 'before') : undefined;
    const after = payload.after ? timePosition(payload.after, 'after') : undefined;
    const { conversationId, roomIds } = await this.access.memberRoomIds(actor, { team: true });
    if (!conversationId || roomIds.length === 0) return { data: [], next: null, previous: payload.after ?? null };
    const found = await this.messages.acrossRooms(actor.accountId, roomIds, conversationId, { ...match, before, after, limit: limit + 1 });
    const cursorOf = (message: StoredMessage) => timeCursor(message.created, message._id);
    return toPage(found, limit, after !== undefined, cursorOf, toMessageView, payload.after ?? null);
  }

  /**
   * Edits a message's content (its author only), keeping the replaced content in its history, and
   * announces it with `parley.message.updated` in the same transaction. The same content again
   * changes nothing.
   */
  async update(actor: Actor, payload: MessageUpdatePayload, correlationId?: string): Promise<MessageStateView> {
    const { message, conversationId, room } = await this.messageAccess.readable(actor, payload.messageId);
    if (room.type === 'listing') {
      throw AppError.conflict('Listing messages are immutable once sent (content, sender, receiver, thread and time); only read state and deletion change');
    }
    if (!message.conversation_id?.equals(conversationId)) throw AppError.forbidden('Only the author may edit a message');
    if (message.deleted) throw AppError.conflict('The message was deleted');
    // The contact has the text that went out; an edit would reach nobody and leave the team a record they never got.
    if (message.delivery) throw AppError.conflict(`This message went to the contact by ${message.delivery.channel === 'email' ? 'email' : 'SMS'}; it cannot be edited (send a correction)`);
    const content = this.cleanContent(payload.content);
    const by = { ...actor, conversationId: conversationId.toHexString() };
    return runTransaction(this.connection, async (session) => {
      // Read again inside the transaction: a concurrent edit makes this one conflict and retry.
      const current = await this.messages.findById(actor.accountId, message._id, session);
      if (!current || current.deleted) throw AppError.conflict('The message was deleted');
      if (current.content === content) return toMessageView(current);
      const edited = await this.messages.edit(actor.accountId, current, content, new Date(), session);
      if (!edited) throw AppError.conflict('The message was deleted');
      const data = messageUpdatedData(edited);
      await this.outbox.add(
        session,
        [createEnvelope({ type: EventTopics.MessageUpdated, accountId: actor.accountId, key: data.room_id, actor: by, data })],
        correlationId,
      );
      return data.message;
    });
  }

  /**
   * A message's earlier contents, oldest first, to whoever may read it. Once it is deleted for
   * everyone its contents are gone, and so is its history: a 404, as for one deleted for the caller.
   */
  async history(actor: Actor, messageId: string): Promise<MessageHistoryView> {
    const { message } = await this.messageAccess.readable(actor, messageId);
    if (message.deleted) throw AppError.notFound('message');
    const view = toMessageView(message);
    return {
      message_id: view.id,
      edits: (message.edits ?? []).map((edit) => ({ content: edit.content, edited_at: edit.edited_at.toISOString() })),
      current: { content: view.content, edited_at: view.edited_at },
    };
  }

  /**
   * Deletes a message for the caller (hidden from them only) or for everyone (the author, or an
   * admin of the account; the document stays, its content is hidden in every read). The caller's
   * (or everyone's) favorites and pending reminders on it go in the same transaction as the
   * `parley.message.deleted` event. Deleting again changes nothing.
   */
  async remove(actor: Actor, payload: MessageDeletePayload, correlationId?: string): Promise<void> {
    if (payload.for === 'everyone') await this.deleteForEveryone(actor, payload.messageId, correlationId);
    else await this.deleteForMe(actor, payload.messageId, correlationId);
  }

  private async deleteForMe(actor: Actor, messageId: string, correlationId?: string): Promise<void> {
    const { message, conversationId } = await this.messageAccess.readable(actor, messageId, { hidden: true });
    // Hidden already: nothing changes. Whether the caller may read it at all, readable said: in a
    // support room the inbox's team reads messages it was not sent, and may hide them too.
    if (message.deleted_by.some((hidden) => hidden.equals(conversationId))) return;
    const by = { ...actor, conversationId: conversationId.toHexString() };
    await runTransaction(this.connection, async (session) => {
      const hidden = await this.messages.hideFrom(actor.accountId, message, conversationId, session);
      if (!hidden) return;
      await this.favorites.remove(actor.accountId, conversationId, message._id, session);
      await this.reminders.cancelForMessage(actor.accountId, message._id, session, conversationId);
      const data: MessageDeletedData = {
        room_id: hidden.room_id.toHexString(),
        message_id: hidden._id.toHexString(),
        for: 'me',
        conversation_id: conversationId.toHexString(),
        receivers: [conversationId.toHexString()],
        ...(hidden.deleted ? { deleted_for_everyone: true } : {}),
        // The hide's own change number: this event reaches the hider alone.
        rev: toChangeView(hidden, conversationId).rev,
      };
      await this.outbox.add(
        session,
        [createEnvelope({ type: EventTopics.MessageDeleted, accountId: actor.accountId, key: data.room_id, actor: by, data })],
        correlationId,
      );
    });
  }

  private async deleteForEveryone(actor: Actor, messageId: string, correlationId?: string): Promise<void> {
    let message: StoredMessage;
    let conversationId: Types.ObjectId | null;
    if (actor.scopes.includes(Scopes.Admin)) {
      // An admin moderates the whole account, rooms they are not in included.
      message = await this.messageAccess.inAccount(actor, messageId);
      conversationId = await this.access.conversationOf(actor);
    } else {
      ({ message, conversationId } = await this.messageAccess.readable(actor, messageId, { hidden: true }));
      if (!conversationId || !message.conversation_id?.equals(conversationId)) {
        throw AppError.forbidden('Only the author or an admin may delete a message for everyone');
      }
    }
    if (message.deleted) return;
    const by = { ...actor, conversationId: conversationId?.toHexString() };
    const deleted = await runTransaction(this.connection, async (session) => {
      const deleted = await this.messages.deleteForEveryone(actor.accountId, message, actor.userId, new Date(), session);
      if (!deleted) return null;
      await this.favorites.removeForAll(actor.accountId, message._id, session);
      await this.reminders.cancelForMessage(actor.accountId, message._id, session);
      const data: MessageDeletedData = {
        room_id: deleted.room_id.toHexString(),
        message_id: deleted._id.toHexString(),
        for: 'everyone',
        receivers: deleted.receivers.map((receiver) => receiver.toHexString()),
        hidden_from: deleted.deleted_by.map((hidden) => hidden.toHexString()),
        rev: deleted.rev,
      };
      await this.outbox.add(
        session,
        [createEnvelope({ type: EventTopics.MessageDeleted, accountId: actor.accountId, key: data.room_id, actor: by, data })],
        correlationId,
      );
      return deleted;
    });
    if (deleted) await this.storedAttachments.release(deleted);
  }

  /**
   * Sanitized content within the limits (in characters as given: an emoji is one, and so is an `&`
   * that is stored escaped). Blank or too long is a 400 (it breaks the document); content that shows
   * nothing once sanitized (markup only, empty paragraphs, zero-width spaces) is a 422.
   */
  private cleanContent(raw: string | undefined, field = 'content'): string {
    const given = raw ?? '';
    if (!given.trim()) throw AppError.badRequest(field, `${field} must not be empty`);
    if (characterCount(given) > Limits.contentMaxLength) throw AppError.badRequest(field, `${field} must be at most ${Limits.contentMaxLength} characters`);
    // A NUL or half a surrogate pair is no text at all: exports and UTF-8 consumers break on it.
    if (!isWholeText(given)) throw AppError.unprocessable(field, `${field} holds a NUL or an unpaired surrogate (not text)`);
    const content = this.sanitizer.clean(given);
    if (!content || !showsAnything(content)) throw AppError.unprocessable(field, `${field} shows nothing once sanitized (markup or invisible characters only)`);
    return content;
  }

  private searchText(raw: string | undefined, required: boolean): string | undefined {
    const q = raw?.trim();
    if (q) return q;
    if (required || raw !== undefined) throw AppError.badRequest('q', 'q must not be empty');
    return undefined;
  }

  /** The seq a position of a message list names: a page's cursor, or a message of the room by id. */
  private async seqAt(actor: Actor, roomId: Types.ObjectId, position: string, field: 'before' | 'after'): Promise<number> {
    if (!OBJECT_ID.test(position)) return decodeCursor<SeqCursor>(position, field, { s: 'number' }).s;
    const seq = await this.messages.seqInRoom(actor.accountId, roomId, toObjectId(position, field));
    if (seq === null) throw AppError.unprocessable(field, `${field} names no message of this room`);
    return seq;
  }

  private replay(message: StoredMessage, roomId: string): MessageCreateResult {
    if (message.room_id.toHexString() !== roomId) {
      throw AppError.conflict('clientMessageId was already used for a message in another room');
    }
    return { created: false, message: toMessageView(message) };
  }
}

/** The position an `after` cursor holds when it is a page of changes' `previous`; undefined for any other `after`. */
function changePosition(after: string | undefined): ChangePosition | undefined {
  if (after === undefined || OBJECT_ID.test(after)) return undefined;
  let cursor: ChangeCursor;
  try {
    cursor = decodeCursor<ChangeCursor>(after, 'after', { r: 'number' });
  } catch {
    return undefined;
  }
  const id = cursor.id === undefined ? undefined : OBJECT_ID.test(String(cursor.id)) ? toObjectId(String(cursor.id), 'after') : null;
  if (id === null || !Number.isSafeInteger(cursor.r) || cursor.r < 0) throw AppError.badRequest('after', 'after is not a valid cursor');
  return { rev: cursor.r, ...(id ? { id } : {}) };
}

