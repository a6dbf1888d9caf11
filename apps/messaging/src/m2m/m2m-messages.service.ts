import { Injectable } from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/mongoose';
import { Types, type ClientSession, type Connection, type Model } from 'mongoose';
import {
  AppError,
  createEnvelope,
  ErrorCodes,
  EventTopics,
  isId,
  problemsIn,
  type Actor,
  type ConversationMessageView,
  type EventEnvelope,
  type FieldError,
  type M2mChanged,
  type M2mPayload,
  type M2mWriteResult,
  type MessageDeletedData,
  type MessageUpdatedData,
  type RoomReadData,
  type ServiceReadMark,
} from '@parley/contracts';
import { Message, Room, runTransaction, toObjectId, QueryCasts, whitelistQuery, type QueryField } from '@parley/database';
import { Outbox } from '@parley/kafka';
import { MessagingConfig } from '../messaging.config.js';
import type { MemberRoom } from '../messages/room-access.js';
import { toMessageView, type StoredMessage } from '../messages/message.view.js';
import { MessagesService } from '../messages/messages.service.js';
import { MessagesRepository } from '../messages/messages.repository.js';

const { objectId, text, flag, time } = QueryCasts;

type ListingRoom = MemberRoom['room'];

/** The seed's message fields as stored ones, for queries. */
const QUERY_FIELDS: Record<string, QueryField> = {
  id: { path: '_id', cast: objectId },
  conversationThreadId: { path: 'room_id', cast: objectId },
  senderId: { path: 'user_id', cast: text },
  receiverId: { path: 'receiver_user_id', cast: text },
  content: { path: 'content', cast: text },
  isRead: { path: 'is_read', cast: flag },
  readAt: { path: 'read_at', cast: (value, field) => (value === null ? null : time(value, field)) },
  sentAt: { path: 'created', cast: time },
  isActive: { path: 'deleted', cast: (value, field) => !flag(value, field) },
};

/** Fields a message keeps for ever (the seed's constants): a dataClause naming one is a 400. */
const CONSTANT = ['id', 'content', 'conversationThreadId', 'senderId', 'receiverId', 'sentAt', 'listingId'];
const CREATE_FIELDS = ['conversationThreadId', 'senderId', 'receiverId', 'content'];

/** How far a service's clock may run ahead of ours for a readAt it gives. */
const CLOCK_SKEW_MS = 60_000;

/** A dataClause as values: each field left out stays as it is. */
interface WantedChange {
  isRead?: boolean;
  /** undefined: not given (a new read mark is read now); null: cleared. */
  readAt?: Date | null;
  isActive?: boolean;
}

/**
 * The fields of one message a dataClause changes, or null when it changes nothing. A read time
 * before the message was sent, or on a message left unread, is a 422; reactivating a message a
 * user deleted for everyone (its author or an admin, not a service) is a 409: it stays deleted.
 */
function changeOf(message: StoredMessage, wanted: WantedChange, now: Date): Record<string, unknown> | null {
  const id = message._id.toHexString();
  const set: Record<string, unknown> = {};
  const read = wanted.isRead ?? message.is_read ?? false;
  if (wanted.readAt && wanted.readAt < message.created) throw AppError.unprocessable('dataClause.readAt', `readAt is before message ${id} was sent`);
  if (wanted.readAt && !read) throw AppError.unprocessable('dataClause.readAt', `message ${id} is unread: mark it read (isRead) to give it a readAt`);
  if (wanted.isRead !== undefined && wanted.isRead !== (message.is_read ?? false)) {
    set.is_read = wanted.isRead;
    set.read_at = wanted.isRead ? (wanted.readAt ?? now) : null;
  } else if (wanted.readAt !== undefined && read && (wanted.readAt?.getTime() ?? null) !== (message.read_at?.getTime() ?? null)) {
    set.read_at = wanted.readAt;
  }
  if (wanted.isActive !== undefined && wanted.isActive === message.deleted) {
    if (wanted.isActive && message.deleted_by_user_id) {
      throw AppError.conflict(`message ${id} was deleted for everyone by a user: it stays deleted`, 'dataClause.isActive');
    }
    set.deleted = !wanted.isActive;
    set.deleted_at = wanted.isActive ? null : now;
  }
  return Object.keys(set).length > 0 ? set : null;
}

/** A listing message in the seed's vocabulary. */
export function toConversationMessage(message: StoredMessage): ConversationMessageView {
  return {
    id: message._id.toHexString(),
    conversationThreadId: message.room_id.toHexString(),
    senderId: message.user_id,
    receiverId: message.receiver_user_id ?? null,
    content: message.deleted ? '' : message.content,
    isRead: message.is_read ?? false,
    readAt: message.read_at?.toISOString() ?? null,
    sentAt: message.created.toISOString(),
    isActive: !message.deleted,
  };
}

/**
 * The listing conversation service's seven message endpoints for back-end services of an account
 * (`conversation.m2m`): creates go through the same store and events as the user API, so the
 * receiver's sockets and unread count follow; updates and deletes are all-or-nothing, scoped to
 * the caller's account's listing messages, and announced through the outbox without the reply
 * waiting on Kafka.
 */
@Injectable()
export class M2mMessagesService {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    @InjectModel(Message.name) private readonly messages: Model<Message>,
    @InjectModel(Room.name) private readonly rooms: Model<Room>,
    private readonly messaging: MessagesService,
    private readonly messagesRepository: MessagesRepository,
    private readonly outbox: Outbox,
    private readonly config: MessagingConfig,
  ) {}

  /** Creates one message; the same command handed again (`commandId`) answers what it stored the first time. */
  async create(actor: Actor, payload: M2mPayload, correlationId?: string, commandId?: string): Promise<ConversationMessageView> {
    const [created] = await this.createMany(actor, [payload.data ?? {}], 'data', correlationId, commandId);
    return created;
  }

  /** Creates messages all together; the same command handed again (`commandId`) answers what it stored the first time. */
  async bulkCreate(actor: Actor, payload: M2mPayload, correlationId?: string, commandId?: string): Promise<ConversationMessageView[]> {
    return this.createMany(actor, payload.dataList ?? [], 'dataList', correlationId, commandId);
  }

  /**
   * Creates messages all together or not at all, listing every bad item: a 400 when some item is
   * malformed (the document's shape), else a 422 when some names a thread of no listing of the
   * account, or people who are not its two participants.
   */
  private async createMany(actor: Actor, items: Record<string, unknown>[], name: string, correlationId?: string, commandId?: string): Promise<ConversationMessageView[]> {
    if (items.length === 0) throw AppError.badRequest(name, `${name} must not be empty`);
    this.checkBatchSize(items.length, name);
    const at = (index: number, field: string) => (name === 'data' ? `data.${field}` : `dataList.${index}.${field}`);
    const malformed: FieldError[] = [];
    const wellFormed = items.map((item, index) => {
      const before = malformed.length;
      for (const key of Object.keys(item)) {
        if (!CREATE_FIELDS.includes(key)) malformed.push({ field: at(index, key), messages: [`${key} cannot be set on a new message`] });
      }
      for (const key of CREATE_FIELDS) {
        if (typeof item[key] !== 'string' || !(item[key] as string).trim()) malformed.push({ field: at(index, key), messages: [`${key} is required text`] });
      }
      if (typeof item.conversationThreadId === 'string' && item.conversationThreadId.trim() && !isId(item.conversationThreadId)) {
        malformed.push({ field: at(index, 'conversationThreadId'), messages: ['conversationThreadId must be an id'] });
      }
      return malformed.length === before;
    });
    const unfit: FieldError[] = [];
    const threadIds = items.map((item, index) => (wellFormed[index] ? new Types.ObjectId(item.conversationThreadId as string) : null));
    const rooms = await this.listingRooms(actor.accountId, threadIds.filter((id): id is Types.ObjectId => id !== null));
    const prepared = items.map((item, index) => {
      const threadId = threadIds[index];
      if (!threadId) return null;
      const room = rooms.get(threadId.toHexString());
      if (!room) {
        unfit.push({ field: at(index, 'conversationThreadId'), messages: ['no listing thread of this account has this id'] });
        return null;
      }
      const sender = room.members.find((member) => member.user_id === item.senderId);
      const receiver = room.members.find((member) => member.user_id === item.receiverId);
      if (!sender) unfit.push({ field: at(index, 'senderId'), messages: ['the sender must be a participant of the thread'] });
      if (!receiver || receiver === sender) unfit.push({ field: at(index, 'receiverId'), messages: ['the receiver must be the other participant of the thread'] });
      if (!sender || !receiver || receiver === sender) return null;
      return { room, author: sender.conversation_id, authorUserId: sender.user_id, content: String(item.content), contentField: at(index, 'content') };
    });
    const problems = [...malformed, ...unfit];
    if (problems.length > 0) {
      const summary = problemsIn(name, problems.length);
      throw malformed.length > 0 ? new AppError(ErrorCodes.ValidationFailed, 400, summary, problems) : new AppError(ErrorCodes.Unprocessable, 422, summary, problems);
    }
    const stored = await this.messaging.storeFromService(actor, prepared as NonNullable<(typeof prepared)[number]>[], correlationId, commandId);
    const found = await this.messages.find({ _id: { $in: stored.map((view) => new Types.ObjectId(view.id)) } }).lean<StoredMessage[]>();
    const byId = new Map(found.map((message) => [message._id.toHexString(), message]));
    return stored.map((view) => toConversationMessage(byId.get(view.id) as StoredMessage));
  }

  async update(actor: Actor, payload: M2mPayload, correlationId?: string): Promise<M2mChanged<ConversationMessageView>> {
    const id = toObjectId(payload.id ?? '', 'id');
    const { value, ...counts } = await this.change(actor, { _id: id }, payload.dataClause, correlationId);
    if (value.matched === 0) throw AppError.notFound('conversationMessage');
    return { value: toConversationMessage((await this.messages.findById(id).lean<StoredMessage>()) as StoredMessage), ...counts };
  }

  async remove(actor: Actor, payload: M2mPayload, correlationId?: string): Promise<ConversationMessageView> {
    return (await this.update(actor, { id: payload.id, dataClause: { isActive: false } }, correlationId)).value;
  }

  updateByQuery(actor: Actor, payload: M2mPayload, correlationId?: string): Promise<M2mChanged<M2mWriteResult>> {
    return this.change(actor, whitelistQuery(payload.query ?? {}, QUERY_FIELDS), payload.dataClause, correlationId);
  }

  async deleteByQuery(actor: Actor, payload: M2mPayload, correlationId?: string): Promise<M2mWriteResult> {
    return (await this.change(actor, whitelistQuery(payload.query ?? {}, QUERY_FIELDS), { isActive: false }, correlationId)).value;
  }

  updateByIdList(actor: Actor, payload: M2mPayload, correlationId?: string): Promise<M2mChanged<M2mWriteResult>> {
    const ids = payload.idList ?? [];
    if (ids.length === 0) throw AppError.badRequest('idList', 'idList must not be empty');
    this.checkBatchSize(ids.length, 'idList');
    return this.change(actor, { _id: { $in: ids.map((id, index) => toObjectId(id, `idList.${index}`)) } }, payload.dataClause, correlationId);
  }

  /**
   * Changes the caller's account's listing messages a filter picks, in one transaction with one
   * event each (read marks push `read_receipt`, deactivation is a delete for everyone, anything
   * else an update). All or nothing: more than the batch limit is a 413, a read time a message
   * cannot have a 422, reactivating a message a user deleted for everyone a 409. `modified` counts
   * the messages that did change (marking a read message read again changes nothing). With the
   * read marks rooms applies to the readers' unread counts: those of every matched message read
   * now, changed or not, so a retry after a lost answer still brings the counts along.
   */
  private async change(actor: Actor, filter: Record<string, unknown>, clause: Record<string, unknown> | undefined, correlationId?: string): Promise<M2mChanged<M2mWriteResult>> {
    const wanted = this.dataClause(clause);
    const changed = await runTransaction(this.connection, async (session) => {
      // The account and "listing messages only" are added beside the client's filter, never merged into it.
      const scoped: Record<string, unknown> = { $and: [filter, { account_id: actor.accountId, receiver_user_id: { $type: 'string' } }] };
      const targets = await this.messages.find(scoped).limit(this.config.M2M_BATCH_MAX + 1).session(session).lean<StoredMessage[]>();
      this.checkBatchSize(targets.length, 'query');
      if (targets.length === 0) return { value: { matched: 0, modified: 0 }, nowRead: [], nowUnread: [], restoredIn: [] };
      const now = new Date();
      const changes = targets.flatMap((message) => {
        const set = changeOf(message, wanted, now);
        return set ? [{ message, set }] : [];
      });
      if (changes.length > 0) {
        const revs = await this.messagesRepository.nextRevs(changes.map(({ message }) => message.room_id), session);
        await this.messages.bulkWrite(
          changes.map(({ message, set }, index) => ({ updateOne: { filter: { _id: message._id }, update: { $set: { ...set, rev: revs[index] } } } })),
          { session, ordered: true },
        );
        const ids = changes.map(({ message }) => message._id);
        const after = await this.messages.find({ _id: { $in: ids } }).session(session).lean<StoredMessage[]>();
        const before = new Map(targets.map((message) => [message._id.toHexString(), message]));
        const rooms = await this.listingRooms(actor.accountId, [...new Set(after.map((message) => message.room_id.toHexString()))].map((id) => new Types.ObjectId(id)), session);
        await this.outbox.addEach(
          session,
          after.flatMap((message) => {
            const envelope = this.eventOf(actor, before.get(message._id.toHexString()) as StoredMessage, message, rooms.get(message.room_id.toHexString()));
            return envelope ? [{ envelope, correlationId }] : [];
          }),
        );
      }
      const changedById = new Map(changes.map(({ message, set }) => [message._id.toHexString(), set]));
      const nowRead = targets.filter((message) => ((changedById.get(message._id.toHexString())?.is_read ?? message.is_read) === true));
      const nowUnread = changes.filter(({ message, set }) => message.is_read === true && set.is_read === false).map(({ message }) => message);
      const restoredIn = [...new Set(changes.filter(({ message, set }) => message.deleted && set.deleted === false).map(({ message }) => message.room_id.toHexString()))];
      return { value: { matched: targets.length, modified: changes.length }, nowRead, nowUnread, restoredIn };
    });
    return {
      value: changed.value,
      reads: changed.nowRead.length > 0 ? await this.readMarksOf(actor.accountId, changed.nowRead, 'latest') : [],
      unreads: changed.nowUnread.length > 0 ? await this.readMarksOf(actor.accountId, changed.nowUnread, 'earliest') : [],
      recounts: changed.restoredIn,
    };
  }

  /**
   * Per room and receiver, the latest of these messages (read: the read mark rooms moves up to) or
   * the earliest (unread: the read mark goes back to before it).
   */
  private async readMarksOf(accountId: string, marked: StoredMessage[], which: 'latest' | 'earliest'): Promise<ServiceReadMark[]> {
    const latest = new Map<string, StoredMessage>();
    for (const message of marked) {
      const key = `${message.room_id.toHexString()}\u0000${message.receiver_user_id}`;
      const seen = latest.get(key);
      if (!seen || (which === 'latest' ? seen.seq < message.seq : seen.seq > message.seq)) latest.set(key, message);
    }
    const rooms = await this.listingRooms(accountId, [...new Set([...latest.values()].map((message) => message.room_id.toHexString()))].map((id) => new Types.ObjectId(id)));
    return [...latest.values()].flatMap((message) => {
      const reader = rooms.get(message.room_id.toHexString())?.members.find((member) => member.user_id === message.receiver_user_id);
      return reader ? [{ room_id: message.room_id.toHexString(), conversation_id: reader.conversation_id.toHexString(), message_id: message._id.toHexString() }] : [];
    });
  }

  /** The event of one changed message, or none when nothing a device shows changed. */
  private eventOf(actor: Actor, before: StoredMessage, after: StoredMessage, room: ListingRoom | undefined): EventEnvelope | null {
    const roomId = after.room_id.toHexString();
    const by = { ...actor, conversationId: undefined };
    const members = room?.members.map((member) => member.conversation_id.toHexString()) ?? after.receivers.map((receiver) => receiver.toHexString());
    if (!before.deleted && after.deleted) {
      const data: MessageDeletedData = {
        room_id: roomId,
        message_id: after._id.toHexString(),
        for: 'everyone',
        receivers: after.receivers.map((receiver) => receiver.toHexString()),
        hidden_from: after.deleted_by.map((hidden) => hidden.toHexString()),
        rev: after.rev,
      };
      return createEnvelope({ type: EventTopics.MessageDeleted, accountId: actor.accountId, key: roomId, actor: by, data });
    }
    if (!before.is_read && after.is_read) {
      const reader = room?.members.find((member) => member.user_id === after.receiver_user_id)?.conversation_id.toHexString();
      if (reader) {
        const data: RoomReadData = { room_id: roomId, conversation_id: reader, message_id: after._id.toHexString(), members, source: 'm2m' };
        return createEnvelope({ type: EventTopics.RoomRead, accountId: actor.accountId, key: roomId, actor: by, data });
      }
    }
    if (before.is_read === after.is_read && before.deleted === after.deleted && String(before.read_at) === String(after.read_at)) return null;
    const data: MessageUpdatedData = { room_id: roomId, message: toMessageView(after), receivers: after.receivers.map((receiver) => receiver.toHexString()) };
    return createEnvelope({ type: EventTopics.MessageUpdated, accountId: actor.accountId, key: roomId, actor: by, data });
  }

  /** What a dataClause asks for: only isRead, readAt and isActive change; a constant field is a 400 naming it. */
  private dataClause(clause: Record<string, unknown> | undefined): WantedChange {
    if (!clause || Object.keys(clause).length === 0) throw AppError.badRequest('dataClause', 'dataClause must not be empty');
    const wanted: WantedChange = {};
    for (const [key, value] of Object.entries(clause)) {
      const field = `dataClause.${key}`;
      if (CONSTANT.includes(key)) throw AppError.badRequest(field, `${key} is constant: a message keeps it for ever`);
      if (key === 'isRead') wanted.isRead = flag(value, field);
      else if (key === 'readAt') wanted.readAt = value === null ? null : (time(value, field) as Date);
      else if (key === 'isActive') wanted.isActive = flag(value, field);
      else throw AppError.badRequest(field, `${key} is not a field of a conversationMessage that can change`);
    }
    if (wanted.isRead === false && wanted.readAt) throw AppError.unprocessable('dataClause.readAt', 'an unread message has no readAt');
    if (wanted.readAt && wanted.readAt.getTime() > Date.now() + CLOCK_SKEW_MS) throw AppError.unprocessable('dataClause.readAt', 'readAt is in the future');
    return wanted;
  }

  private checkBatchSize(size: number, field: string): void {
    if (size > this.config.M2M_BATCH_MAX) throw AppError.payloadTooLarge(field, `at most ${this.config.M2M_BATCH_MAX} documents at once (M2M_BATCH_MAX)`);
  }

  private async listingRooms(accountId: string, ids: Types.ObjectId[], session?: ClientSession): Promise<Map<string, ListingRoom>> {
    if (ids.length === 0) return new Map();
    const found = await this.rooms.find({ _id: { $in: ids }, account_id: accountId, type: 'listing', deleted: false }).session(session ?? null).lean<ListingRoom[]>();
    return new Map(found.map((room) => [room._id.toHexString(), room]));
  }
}
