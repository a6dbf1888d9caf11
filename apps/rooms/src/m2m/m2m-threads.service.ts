import { Injectable } from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/mongoose';
import { Types, type Connection, type Model } from 'mongoose';
import {
  AppError,
  ErrorCodes,
  M2M_USER_ID_MAX,
  problemsIn,
  type Actor,
  type ConversationThreadView,
  type FieldError,
  type M2mPayload,
  type M2mWriteResult,
} from '@parley/contracts';
import { Room, runTransaction, toObjectId, QueryCasts, whitelistQuery, type QueryField } from '@parley/database';
import { Outbox } from '@parley/kafka';
import { ConversationsRepository } from '../conversations/conversations.repository.js';
import { roomCreatedEvent, roomUpdatedEvent } from '../rooms/room-events.js';
import type { StoredRoom } from '../rooms/room.view.js';
import { RoomsConfig } from '../rooms.config.js';

const { objectId, text, flag } = QueryCasts;

/** The seed's thread fields as stored ones, for queries. */
const QUERY_FIELDS: Record<string, QueryField> = {
  id: { path: '_id', cast: objectId },
  listingId: { path: 'listing_id', cast: text },
  participantIds: { path: 'members.user_id', cast: text },
  isActive: { path: 'deleted', cast: (value, field) => !flag(value, field) },
};
const CONSTANT = ['id', 'listingId', 'participantIds', 'senderId', 'receiverId', 'buyerId', 'sellerId', 'lastMessageAt', 'createdAt'];

/** A listing thread in the seed's vocabulary. */
export function toConversationThread(room: StoredRoom): ConversationThreadView {
  return {
    id: room._id.toHexString(),
    listingId: room.listing_id ?? '',
    participantIds: room.members.map((member) => member.user_id),
    lastMessageAt: room.last_message_id ? room.last_activity.toISOString() : null,
    isActive: !room.deleted,
    createdAt: room.created.toISOString(),
  };
}

/**
 * The fields naming the two participants of a create, as one of the seed's spellings:
 * `participantIds`, or `senderId` and `receiverId`, or `buyerId` and `sellerId`.
 */
function participantFieldsOf(data: Record<string, unknown>): string[] {
  if (data.participantIds !== undefined) return ['participantIds'];
  if (data.senderId !== undefined || data.receiverId !== undefined) return ['senderId', 'receiverId'];
  return ['buyerId', 'sellerId'];
}

/** The two participants a create names, in the spelling participantFieldsOf found. */
function participantsOf(data: Record<string, unknown>, fields: string[]): unknown[] {
  return fields.length === 1 ? (Array.isArray(data.participantIds) ? data.participantIds : []) : fields.map((field) => data[field]);
}

/**
 * The listing conversation service's seven thread endpoints for back-end services (`conversation.m2m`):
 * a thread is a listing room of two users (their conversations made when needed), unique per
 * listing and pair (a second is a 409, as the seed's throwError); writes are all or nothing and
 * announced through the outbox like the user API's.
 */
@Injectable()
export class M2mThreadsService {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    @InjectModel(Room.name) private readonly rooms: Model<Room>,
    private readonly conversations: ConversationsRepository,
    private readonly outbox: Outbox,
    private readonly config: RoomsConfig,
  ) {}

  async create(actor: Actor, payload: M2mPayload, correlationId?: string): Promise<ConversationThreadView> {
    try {
      const [created] = await this.createMany(actor, [payload.data ?? {}], 'data', correlationId);
      return created;
    } catch (error) {
      const duplicate = (error as AppError).details?.find((detail) => detail.messages[0]?.startsWith('a thread for this listing and pair'));
      if (duplicate) throw AppError.conflict('A thread for this listing and pair already exists');
      throw error;
    }
  }

  bulkCreate(actor: Actor, payload: M2mPayload, correlationId?: string): Promise<ConversationThreadView[]> {
    return this.createMany(actor, payload.dataList ?? [], 'dataList', correlationId);
  }

  private async createMany(actor: Actor, items: Record<string, unknown>[], name: string, correlationId?: string): Promise<ConversationThreadView[]> {
    if (items.length === 0) throw AppError.badRequest(name, `${name} must not be empty`);
    if (items.length > this.config.M2M_BATCH_MAX) throw AppError.payloadTooLarge(name, `at most ${this.config.M2M_BATCH_MAX} threads at once (M2M_BATCH_MAX)`);
    const at = (index: number, field: string) => (name === 'data' ? `data.${field}` : `dataList.${index}.${field}`);
    const errors: FieldError[] = [];
    // Every bad item is listed: a 400 when some is malformed, else a 422 for one user named twice;
    // a thread that exists already (or twice in the batch) is a 409.
    const sameUser: FieldError[] = [];
    const wanted = items.map((item, index) => {
      const listingId = item.listingId;
      const fields = participantFieldsOf(item);
      const users = participantsOf(item, fields);
      for (const key of Object.keys(item)) {
        if (key !== 'listingId' && !fields.includes(key)) errors.push({ field: at(index, key), messages: [`${key} cannot be set on a new thread beside ${fields.join(' and ')}`] });
      }
      if (typeof listingId !== 'string' || !listingId.trim() || listingId.length > 200) errors.push({ field: at(index, 'listingId'), messages: ['listingId is required text, at most 200 characters'] });
      if (users.length !== 2 || users.some((user) => typeof user !== 'string' || !user.trim() || user.length > M2M_USER_ID_MAX)) {
        errors.push({ field: at(index, fields[0]), messages: [`a thread has exactly two participants (user ids of at most ${M2M_USER_ID_MAX} characters)`] });
        return null;
      }
      if (users[0] === users[1]) sameUser.push({ field: at(index, fields[0]), messages: ['a thread has two different participants'] });
      return { listingId: String(listingId), users: users as string[] };
    });
    if (errors.length > 0) throw new AppError(ErrorCodes.ValidationFailed, 400, problemsIn(name, errors.length + sameUser.length), [...errors, ...sameUser]);
    if (sameUser.length > 0) throw new AppError(ErrorCodes.Unprocessable, 422, problemsIn(name, sameUser.length), sameUser);
    const valid = wanted as { listingId: string; users: string[] }[];
    const people = new Map<string, Awaited<ReturnType<ConversationsRepository['ensure']>>>();
    for (const userId of new Set(valid.flatMap((entry) => entry.users))) people.set(userId, await this.conversations.ensure(actor.accountId, userId));
    const docs = valid.map((entry) => {
      const members = entry.users.map((userId) => people.get(userId)!);
      return {
        _id: new Types.ObjectId(),
        account_id: actor.accountId,
        type: 'listing' as const,
        listing_id: entry.listingId,
        pair: members.map((member) => member._id.toHexString()).sort().join(':'),
        members: members.map((member) => ({ conversation_id: member._id, user_id: member.user_id, last_message_read: null, joined: new Date(), favorite: false, snoozed_until: null })),
        unread_count: members.map((member) => ({ conversation_id: member._id, count: 0, last_read_seq: 0 })),
        last_activity: new Date(),
      };
    });
    const seen = new Set<string>();
    const existing = await this.rooms
      .find({ type: 'listing', $or: docs.map((doc) => ({ listing_id: doc.listing_id, pair: doc.pair })) }, { listing_id: 1, pair: 1 })
      .lean<{ listing_id: string; pair: string }[]>();
    const taken = new Set(existing.map((room) => `${room.listing_id}\u0000${room.pair}`));
    docs.forEach((doc, index) => {
      const key = `${doc.listing_id}\u0000${doc.pair}`;
      if (taken.has(key) || seen.has(key)) errors.push({ field: at(index, 'listingId'), messages: ['a thread for this listing and pair exists already'] });
      seen.add(key);
    });
    if (errors.length > 0) throw new AppError(ErrorCodes.Conflict, 409, problemsIn(name, errors.length), errors);
    try {
      const stored = await runTransaction(this.connection, async (session) => {
        const inserted = (await this.rooms.insertMany(docs, { session })).map((doc) => doc.toObject() as StoredRoom);
        await this.outbox.add(session, inserted.map((room) => roomCreatedEvent(room, actor)), correlationId);
        return inserted;
      });
      return stored.map(toConversationThread);
    } catch (error) {
      // A concurrent create won the unique index on listing and pair.
      if ((error as { code?: number }).code !== 11000) throw error;
      throw new AppError(ErrorCodes.Conflict, 409, `a thread of ${name} exists already; nothing was created`, [
        { field: name === 'data' ? 'data.listingId' : 'dataList', messages: ['a thread for this listing and pair exists already'] },
      ]);
    }
  }

  async update(actor: Actor, payload: M2mPayload, correlationId?: string): Promise<ConversationThreadView> {
    const id = toObjectId(payload.id ?? '', 'id');
    const result = await this.change(actor, { _id: id }, payload.dataClause, correlationId);
    if (result.matched === 0) throw AppError.notFound('conversationThread');
    return toConversationThread((await this.rooms.findById(id).lean<StoredRoom>()) as StoredRoom);
  }

  remove(actor: Actor, payload: M2mPayload, correlationId?: string): Promise<ConversationThreadView> {
    return this.update(actor, { id: payload.id, dataClause: { isActive: false } }, correlationId);
  }

  updateByQuery(actor: Actor, payload: M2mPayload, correlationId?: string): Promise<M2mWriteResult> {
    return this.change(actor, whitelistQuery(payload.query ?? {}, QUERY_FIELDS), payload.dataClause, correlationId);
  }

  deleteByQuery(actor: Actor, payload: M2mPayload, correlationId?: string): Promise<M2mWriteResult> {
    return this.change(actor, whitelistQuery(payload.query ?? {}, QUERY_FIELDS), { isActive: false }, correlationId);
  }

  updateByIdList(actor: Actor, payload: M2mPayload, correlationId?: string): Promise<M2mWriteResult> {
    const ids = payload.idList ?? [];
    if (ids.length === 0) throw AppError.badRequest('idList', 'idList must not be empty');
    if (ids.length > this.config.M2M_BATCH_MAX) throw AppError.payloadTooLarge('idList', `at most ${this.config.M2M_BATCH_MAX} threads at once (M2M_BATCH_MAX)`);
    return this.change(actor, { _id: { $in: ids.map((id, index) => toObjectId(id, `idList.${index}`)) } }, payload.dataClause, correlationId);
  }

  /** Activates or deactivates (soft-deletes) the account's listing threads a filter picks, each announced. */
  private async change(actor: Actor, filter: Record<string, unknown>, clause: Record<string, unknown> | undefined, correlationId?: string): Promise<M2mWriteResult> {
    if (!clause || Object.keys(clause).length === 0) throw AppError.badRequest('dataClause', 'dataClause must not be empty');
    for (const key of Object.keys(clause)) {
      if (CONSTANT.includes(key)) throw AppError.badRequest(`dataClause.${key}`, `${key} is constant: a thread keeps it for ever`);
      if (key !== 'isActive') throw AppError.badRequest(`dataClause.${key}`, `${key} is not a field of a conversationThread that can change`);
    }
    const deleted = !flag(clause.isActive, 'dataClause.isActive');
    return runTransaction(this.connection, async (session) => {
      const scoped: Record<string, unknown> = { $and: [filter, { account_id: actor.accountId, type: 'listing' }] };
      const targets = await this.rooms.find(scoped, { _id: 1, deleted: 1 }).limit(this.config.M2M_BATCH_MAX + 1).session(session).lean<{ _id: Types.ObjectId; deleted: boolean }[]>();
      if (targets.length > this.config.M2M_BATCH_MAX) throw AppError.payloadTooLarge('query', `at most ${this.config.M2M_BATCH_MAX} threads at once (M2M_BATCH_MAX)`);
      if (targets.length === 0) return { matched: 0, modified: 0 };
      const ids = targets.map((room) => room._id);
      const result = await this.rooms.updateMany({ _id: { $in: ids }, deleted: !deleted }, { $set: { deleted } }, { session });
      const changed = await this.rooms.find({ _id: { $in: ids } }).session(session).lean<StoredRoom[]>();
      // A thread taken back from deletion is new again to its members' devices, which dropped it.
      const revived = new Set(deleted ? [] : targets.filter((room) => room.deleted).map((room) => room._id.toHexString()));
      const members = (room: StoredRoom) => (revived.has(room._id.toHexString()) ? room.members.map((member) => member.conversation_id.toHexString()) : []);
      await this.outbox.add(session, changed.map((room) => roomUpdatedEvent(room, actor, [], members(room))), correlationId);
      return { matched: targets.length, modified: result.modifiedCount };
    });
  }
}
