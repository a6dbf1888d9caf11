import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Types, type ClientSession, type Model } from 'mongoose';
import { Message, MessageSequence, messageTextCondition, type TimePosition } from '@parley/database';
import type { StoredMessage } from './message.view.js';
import { plainTextOf } from './plain-text.js';

/** A point in a room's changes: past change number `rev`, or past message `id` within it. */
export interface ChangePosition {
  rev: number;
  id?: Types.ObjectId;
}

/** What a new message is made of; the rest of the document starts empty. */
export type NewMessage = Pick<
  Message,
  'account_id' | 'room_id' | 'seq' | 'rev' | 'conversation_id' | 'user_id' | 'content' | 'source' | 'attachments' | 'client_message_id' | 'receivers'
> &
  Partial<Pick<Message, 'contact' | 'private' | 'subject' | 'delivery' | 'is_read' | 'read_at' | 'policy' | 'receiver_user_id' | 'command_key' | 'mentions' | 'mention_everyone'>>;

/** A new message's whole document, every field of the schema set as Mongoose would set it. */
export function messageDocument(message: NewMessage, now: Date): StoredMessage {
  return {
    _id: new Types.ObjectId(),
    account_id: message.account_id,
    room_id: message.room_id,
    seq: message.seq,
    rev: message.rev,
    conversation_id: message.conversation_id,
    user_id: message.user_id,
    ...(message.contact ? { contact: message.contact } : {}),
    private: message.private ?? false,
    ...(message.subject ? { subject: message.subject } : {}),
    ...(message.policy ? { policy: message.policy } : {}),
    ...(message.receiver_user_id ? { receiver_user_id: message.receiver_user_id } : {}),
    ...(message.delivery ? { delivery: message.delivery } : {}),
    ...(message.is_read !== undefined ? { is_read: message.is_read, read_at: message.read_at ?? null } : {}),
    content: message.content,
    plain_text: plainTextOf(message.content),
    source: message.source,
    attachments: message.attachments.map(({ name, size, content_type, url, storage_key }) => ({
      name,
      size,
      content_type,
      ...(url !== undefined ? { url } : {}),
      ...(storage_key !== undefined ? { storage_key } : {}),
    })),
    client_message_id: message.client_message_id,
    ...(message.command_key ? { command_key: message.command_key } : {}),
    receivers: message.receivers,
    ...(message.mentions?.length ? { mentions: message.mentions } : {}),
    ...(message.mention_everyone ? { mention_everyone: true } : {}),
    edits: [],
    edited_at: null,
    deleted: false,
    deleted_at: null,
    deleted_by_user_id: null,
    deleted_by: [],
    created: now,
    updated: now,
  };
}

/** Messages of one account; every query names the account. */
@Injectable()
export class MessagesRepository {
  constructor(
    @InjectModel(Message.name) private readonly messages: Model<Message>,
    @InjectModel(MessageSequence.name) private readonly sequences: Model<MessageSequence>,
  ) {}

  /**
   * The places of new messages in their rooms, one per entry of `roomIds` (a room named twice gets
   * two, in order): each its `seq` and its `rev`. Called inside the messages' transaction:
   * concurrent writers conflict on the room's counter and retry, so both are in commit order.
   */
  async nextPlaces(roomIds: Types.ObjectId[], session: ClientSession): Promise<{ seq: number; rev: number }[]> {
    const seqs = await this.advance(roomIds, session, ['seq', 'rev']);
    return seqs.map(([seq, rev]) => ({ seq, rev }));
  }

  /**
   * The next change numbers (`rev`) of rooms, one per entry of `roomIds`, for messages changed in
   * this transaction: a room's every message write takes one, so `changed_after` reads a room's
   * changes in the order they committed (the counter makes concurrent changes of a room conflict).
   */
  async nextRevs(roomIds: Types.ObjectId[], session: ClientSession): Promise<number[]> {
    return (await this.advance(roomIds, session, ['rev'])).map(([rev]) => rev);
  }

  /** Raises the named counters of each room by how often `roomIds` names it; each entry's numbers, in order. */
  private async advance(roomIds: Types.ObjectId[], session: ClientSession, fields: ('seq' | 'rev')[]): Promise<number[][]> {
    const counts = new Map<string, { id: Types.ObjectId; count: number }>();
    for (const id of roomIds) {
      const entry = counts.get(id.toHexString());
      if (entry) entry.count++;
      else counts.set(id.toHexString(), { id, count: 1 });
    }
    const increments = (count: number) => ({ $inc: Object.fromEntries(fields.map((field) => [field, count])) });
    const last = new Map<string, MessageSequence>();
    if (counts.size === 1) {
      const [{ id, count }] = counts.values();
      const counter = await this.sequences
        .findOneAndUpdate({ _id: id }, increments(count), { upsert: true, returnDocument: 'after', session })
        .lean<MessageSequence>();
      if (!counter) throw new Error('sequence upsert returned nothing');
      last.set(id.toHexString(), counter);
    } else {
      const entries = [...counts.values()];
      await this.sequences.bulkWrite(
        entries.map(({ id, count }) => ({ updateOne: { filter: { _id: id }, update: increments(count), upsert: true } })),
        { session, ordered: false },
      );
      const counters = await this.sequences
        .find({ _id: { $in: entries.map((entry) => entry.id) } })
        .session(session)
        .lean<MessageSequence[]>();
      for (const counter of counters) last.set(counter._id.toHexString(), counter);
    }
    // Hand out each room's block in order: first entry gets the lowest numbers.
    const next = new Map(
      [...counts].map(([key, { count }]) => [key, fields.map((field) => (last.get(key)?.[field] ?? NaN) - count + 1)]),
    );
    return roomIds.map((id) => {
      const key = id.toHexString();
      const numbers = next.get(key) ?? [NaN];
      if (!numbers.every(Number.isFinite)) throw new Error(`no sequence counter for room ${key}`);
      next.set(key, numbers.map((number) => number + 1));
      return numbers;
    });
  }

  /**
   * Stores new messages in one write, in order. The documents are built whole (messageDocument)
   * and written as they are: a send is the hot path, and Mongoose's hydration and validation of
   * each document cost more than the write (what they check, the gateway's DTOs checked already).
   */
  async insertMany(messages: NewMessage[], session: ClientSession): Promise<StoredMessage[]> {
    const now = new Date();
    const documents = messages.map((message) => messageDocument(message, now));
    await this.messages.insertMany(documents, { session, ordered: true, lean: true });
    return documents;
  }

  async findByClientMessageId(accountId: string, author: Types.ObjectId | null, clientMessageId: string): Promise<StoredMessage | null> {
    return this.messages
      .findOne({ account_id: accountId, conversation_id: author, client_message_id: clientMessageId })
      .lean<StoredMessage>();
  }

  /** The messages stored under these command keys (MessageSchema's command_key), in the keys' order; those not found are left out. */
  async findByCommandKeys(accountId: string, keys: string[]): Promise<StoredMessage[]> {
    const found = await this.messages.find({ account_id: accountId, command_key: { $in: keys } }).lean<(StoredMessage & { command_key: string })[]>();
    const byKey = new Map(found.map((message) => [message.command_key, message]));
    return keys.flatMap((key) => byKey.get(key) ?? []);
  }

  async findById(accountId: string, id: Types.ObjectId, session?: ClientSession): Promise<StoredMessage | null> {
    return this.messages
      .findOne({ _id: id, account_id: accountId })
      .session(session ?? null)
      .lean<StoredMessage>();
  }

  async findByIds(accountId: string, ids: Types.ObjectId[]): Promise<StoredMessage[]> {
    if (ids.length === 0) return [];
    return this.messages.find({ _id: { $in: ids }, account_id: accountId }).lean<StoredMessage[]>();
  }

  /** The sequence number of a message of one room, or null if the room has no such message. */
  async seqInRoom(accountId: string, roomId: Types.ObjectId, id: Types.ObjectId): Promise<number | null> {
    const found = await this.messages.findOne({ _id: id, account_id: accountId, room_id: roomId }, { seq: 1 }).lean<{ seq: number }>();
    return found?.seq ?? null;
  }

  /**
   * A page of the messages a member may read, newest first. `beforeSeq` pages back in time,
   * `afterSeq` forward; `q` keeps the messages whose live content matches the text search;
   * `limit` includes one extra to tell whether more exist. `wholeRoom` (support rooms, whose team
   * changes) reads every message, not only those the reader received.
   */
  async page(
    accountId: string,
    roomId: Types.ObjectId,
    reader: Types.ObjectId,
    page: { beforeSeq?: number; afterSeq?: number; q?: string; limit: number; wholeRoom?: boolean },
  ): Promise<StoredMessage[]> {
    const filter: Record<string, unknown> = {
      account_id: accountId,
      room_id: roomId,
      ...(page.wholeRoom ? {} : { receivers: reader }),
      deleted_by: { $ne: reader },
    };
    if (page.beforeSeq !== undefined) filter.seq = { $lt: page.beforeSeq };
    if (page.afterSeq !== undefined) filter.seq = { $gt: page.afterSeq };
    if (page.q !== undefined) Object.assign(filter, { ...messageTextCondition('plain_text', page.q), deleted: false });
    const direction = page.afterSeq !== undefined ? 1 : -1;
    const found = await this.messages.find(filter).sort({ seq: direction }).limit(page.limit).lean<StoredMessage[]>();
    return direction === 1 ? found.reverse() : found;
  }

  /**
   * Up to `limit` changes of a room after a point of its changes, for one reader, oldest change
   * first: every message the reader received (a support room: every message) whose change number
   * is past `after`, and the messages they deleted for themselves since (by `hides`). A read mark
   * changes many messages with one number, so the position is a number and, within it, a message
   * id. A message changed both ways may come twice, each at its own position.
   */
  async changes(
    accountId: string,
    roomId: Types.ObjectId,
    reader: Types.ObjectId,
    page: { after: ChangePosition; limit: number; wholeRoom?: boolean },
  ): Promise<{ message: StoredMessage; position: Required<ChangePosition> }[]> {
    const { rev, id } = page.after;
    const past = (field: string) => (id ? [{ [field]: { $gt: rev } }, { [field]: rev, _id: { $gt: id } }] : [{ [field]: { $gt: rev } }]);
    const [shared, hidden] = await Promise.all([
      this.messages
        .find({ account_id: accountId, room_id: roomId, ...(page.wholeRoom ? {} : { receivers: reader }), $or: past('rev') })
        .sort({ rev: 1, _id: 1 })
        .limit(page.limit)
        .lean<StoredMessage[]>(),
      this.messages.aggregate<StoredMessage & { hide_rev: number }>([
        { $match: { account_id: accountId, room_id: roomId, hides: { $elemMatch: { conversation_id: reader, rev: { $gte: rev } } } } },
        { $addFields: { hide_rev: { $first: { $map: { input: { $filter: { input: '$hides', cond: { $eq: ['$$this.conversation_id', reader] } } }, in: '$$this.rev' } } } } },
        { $match: { $or: past('hide_rev') } },
        { $sort: { hide_rev: 1, _id: 1 } },
        { $limit: page.limit },
      ]),
    ]);
    // Merged in order, the first `limit` lie within what both reads covered.
    return [
      ...shared.map((message) => ({ message, position: { rev: message.rev ?? 0, id: message._id } })),
      ...hidden.map(({ hide_rev, ...message }) => ({ message, position: { rev: hide_rev, id: message._id } })),
    ]
      .sort((a, b) => a.position.rev - b.position.rev || a.position.id.toHexString().localeCompare(b.position.id.toHexString()))
      .slice(0, page.limit);
  }

  /**
   * Messages across rooms a reader received, newest first, that match a text search (`q`) or
   * mention the reader (`mentioning`); never deleted or hidden from them. `after` pages toward newer
   * ones; `limit` includes one extra to tell whether more exist.
   */
  async acrossRooms(
    accountId: string,
    roomIds: Types.ObjectId[],
    reader: Types.ObjectId,
    query: { q?: string; mentioning?: boolean; before?: TimePosition; after?: TimePosition; limit: number },
  ): Promise<StoredMessage[]> {
    // A search in a script written without spaces is itself an $and, which the conditions below join.
    const { $and: textParts, ...text } = query.q !== undefined ? messageTextCondition('plain_text', query.q) : {};
    const conditions = [...((textParts as Record<string, unknown>[] | undefined) ?? [])];
    // Mentioned by name, or with everyone (not by their own @channel).
    if (query.mentioning) conditions.push({ $or: [{ mentions: reader }, { mention_everyone: true, conversation_id: { $ne: reader } }] });
    const position = query.after ?? query.before;
    if (position) {
      const op = query.after ? '$gt' : '$lt';
      conditions.push({ $or: [{ created: { [op]: position.at } }, { created: position.at, _id: { [op]: position.id } }] });
    }
    const filter: Record<string, unknown> = {
      ...text,
      account_id: accountId,
      room_id: { $in: roomIds },
      receivers: reader,
      deleted: false,
      deleted_by: { $ne: reader },
      ...(conditions.length > 0 ? { $and: conditions } : {}),
    };
    const direction = query.after ? 1 : -1;
    const found = await this.messages
      .find(filter)
      .sort({ created: direction, _id: direction })
      .limit(query.limit)
      .lean<StoredMessage[]>();
    return direction === 1 ? found.reverse() : found;
  }

  /**
   * Marks read, for a reader of a listing room, every message the other participant sent up to a
   * sequence number and not read yet; a second call changes nothing.
   */
  async markReadUpTo(accountId: string, roomId: Types.ObjectId, reader: Types.ObjectId, seq: number, at: Date, session: ClientSession): Promise<number> {
    const unread = { account_id: accountId, room_id: roomId, seq: { $lte: seq }, conversation_id: { $ne: reader }, is_read: false };
    if ((await this.messages.exists(unread).session(session)) === null) return 0;
    const [rev] = await this.nextRevs([roomId], session);
    const result = await this.messages.updateMany(unread, { $set: { is_read: true, read_at: at, rev } }, { session });
    return result.modifiedCount;
  }

  /**
   * Moves a message's delivery forward to a provider's newer status (queued → sent → delivered or
   * failed; never back); null when it was not newer. The one way from failed is to sent, by a newer
   * status: an operator replayed the failed delivery and it went out (a late copy of an older `sent` stays ignored).
   */
  async advanceDelivery(
    accountId: string,
    roomId: Types.ObjectId,
    id: Types.ObjectId,
    delivery: { status: 'sent' | 'delivered' | 'failed'; provider_id: string | null; error_code: string | null; updated_at: Date },
    session: ClientSession,
  ): Promise<StoredMessage | null> {
    const from =
      delivery.status === 'sent'
        ? { $or: [{ 'delivery.status': 'queued' }, { 'delivery.status': 'failed', 'delivery.updated_at': { $lt: delivery.updated_at } }] }
        : { 'delivery.status': { $in: ['queued', 'sent'] } };
    const [rev] = await this.nextRevs([roomId], session);
    return this.messages
      .findOneAndUpdate(
        { _id: id, account_id: accountId, room_id: roomId, ...from } as Record<string, unknown>,
        {
          $set: {
            rev,
            'delivery.status': delivery.status,
            'delivery.updated_at': delivery.updated_at,
            ...(delivery.provider_id ? { 'delivery.provider_id': delivery.provider_id } : {}),
            // A replayed delivery that went out no longer carries the code of its failure.
            ...(delivery.error_code ? { 'delivery.error_code': delivery.error_code } : delivery.status === 'sent' ? { 'delivery.error_code': null } : {}),
          },
        },
        { session, returnDocument: 'after' },
      )
      .lean<StoredMessage>();
  }

  /** Replaces the content of a live message, keeping the replaced one in `edits`. Null if it was deleted meanwhile. */
  async edit(
    accountId: string,
    current: StoredMessage,
    content: string,
    editedAt: Date,
    session: ClientSession,
  ): Promise<StoredMessage | null> {
    const [rev] = await this.nextRevs([current.room_id], session);
    return this.messages
      .findOneAndUpdate(
        { _id: current._id, account_id: accountId, deleted: false },
        { $set: { content, plain_text: plainTextOf(content), edited_at: editedAt, rev }, $push: { edits: { content: current.content, edited_at: editedAt } } },
        { returnDocument: 'after', session },
      )
      .lean<StoredMessage>();
  }

  /**
   * Replaces a live message's reactions (none left: the field goes), with the room's next change
   * number. Null if it was deleted meanwhile. Called in the transaction that read them, so a
   * concurrent reaction conflicts and reads again.
   */
  async setReactions(
    accountId: string,
    message: StoredMessage,
    reactions: NonNullable<StoredMessage['reactions']>,
    session: ClientSession,
  ): Promise<StoredMessage | null> {
    const [rev] = await this.nextRevs([message.room_id], session);
    return this.messages
      .findOneAndUpdate(
        { _id: message._id, account_id: accountId, deleted: false },
        reactions.length > 0 ? { $set: { reactions, rev } } : { $set: { rev }, $unset: { reactions: 1 } },
        { returnDocument: 'after', session },
      )
      .lean<StoredMessage>();
  }

  /**
   * Pins a live message to its room (by a member, now) or unpins it, with the room's next change
   * number; null if it was deleted meanwhile. In the transaction that counted the room's pins.
   */
  async setPin(accountId: string, message: StoredMessage, pinned: { conversation_id: Types.ObjectId; at: Date } | null, session: ClientSession): Promise<StoredMessage | null> {
    const [rev] = await this.nextRevs([message.room_id], session);
    return this.messages
      .findOneAndUpdate(
        { _id: message._id, account_id: accountId, deleted: false },
        pinned ? { $set: { pinned, rev } } : { $set: { rev }, $unset: { pinned: 1 } },
        { returnDocument: 'after', session },
      )
      .lean<StoredMessage>();
  }

  /** How many live messages of a room are pinned. */
  async countPinned(roomId: Types.ObjectId, session: ClientSession): Promise<number> {
    return this.messages.countDocuments({ room_id: roomId, 'pinned.at': { $exists: true }, deleted: false }, { session });
  }

  /**
   * A page of a room's live pinned messages a member may read, newest pinned first; `after` pages
   * toward newer pins. `limit` includes one extra to tell whether more exist. `wholeRoom` as in `page`.
   */
  async pinned(
    accountId: string,
    roomId: Types.ObjectId,
    reader: Types.ObjectId,
    page: { before?: TimePosition; after?: TimePosition; limit: number; wholeRoom?: boolean },
  ): Promise<StoredMessage[]> {
    const filter: Record<string, unknown> = {
      account_id: accountId,
      room_id: roomId,
      'pinned.at': { $exists: true },
      deleted: false,
      ...(page.wholeRoom ? {} : { receivers: reader }),
      deleted_by: { $ne: reader },
    };
    const position = page.after ?? page.before;
    if (position) {
      const op = page.after ? '$gt' : '$lt';
      filter.$or = [{ 'pinned.at': { [op]: position.at } }, { 'pinned.at': position.at, _id: { [op]: position.id } }];
    }
    const direction = page.after ? 1 : -1;
    const found = await this.messages.find(filter).sort({ 'pinned.at': direction, _id: direction }).limit(page.limit).lean<StoredMessage[]>();
    return direction === 1 ? found.reverse() : found;
  }

  /** Deletes a message for everyone (the document stays); null if it already was. */
  async deleteForEveryone(accountId: string, message: StoredMessage, byUserId: string, at: Date, session: ClientSession): Promise<StoredMessage | null> {
    const [rev] = await this.nextRevs([message.room_id], session);
    return this.messages
      .findOneAndUpdate(
        { _id: message._id, account_id: accountId, deleted: false },
        { $set: { deleted: true, deleted_at: at, deleted_by_user_id: byUserId, rev } },
        { returnDocument: 'after', session },
      )
      .lean<StoredMessage>();
  }

  /** Whether a live message (not deleted for everyone) of the account has this stored file attached. */
  async holdsFile(accountId: string, storageKey: string): Promise<boolean> {
    return (await this.messages.exists({ account_id: accountId, 'attachments.storage_key': storageKey, deleted: false })) !== null;
  }

  /**
   * Hides a message from one conversation; null if it already was hidden from it. The hide takes
   * the room's next change number for that reader alone (`hides`): the others' copy of the message,
   * its `rev` and `updated`, stay as they were, so nobody learns of it.
   */
  async hideFrom(accountId: string, message: StoredMessage, reader: Types.ObjectId, session: ClientSession): Promise<StoredMessage | null> {
    const [rev] = await this.nextRevs([message.room_id], session);
    return this.messages
      .findOneAndUpdate(
        { _id: message._id, account_id: accountId, deleted_by: { $ne: reader } },
        { $addToSet: { deleted_by: reader }, $push: { hides: { conversation_id: reader, rev } } },
        { returnDocument: 'after', session, timestamps: false },
      )
      .lean<StoredMessage>();
  }

  /** The room's last change number: nothing of it has a higher one yet. */
  async lastRev(roomId: Types.ObjectId): Promise<number> {
    const counter = await this.sequences.findById(roomId, { rev: 1 }).lean<Pick<MessageSequence, 'rev'>>();
    return counter?.rev ?? 0;
  }
}
