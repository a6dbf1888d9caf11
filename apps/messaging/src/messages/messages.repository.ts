import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Types, type ClientSession, type Model } from 'mongoose';
import { Message, MessageSequence, messageTextCondition } from '@parley/database';
import type { StoredMessage } from './message.view.js';
import { plainTextOf } from './plain-text.js';

/** A position in a list ordered by creation time, ties broken by id. */
export interface TimePosition {
  created: Date;
  id: Types.ObjectId;
}

/** What a new message is made of; the rest of the document starts empty. */
export type NewMessage = Pick<
  Message,
  'account_id' | 'room_id' | 'seq' | 'conversation_id' | 'user_id' | 'content' | 'source' | 'attachments' | 'client_message_id' | 'receivers'
> &
  Partial<Pick<Message, 'contact' | 'private' | 'subject' | 'delivery' | 'is_read' | 'read_at' | 'policy' | 'receiver_user_id' | 'command_key'>>;

/** A new message's whole document, every field of the schema set as Mongoose would set it. */
export function messageDocument(message: NewMessage, now: Date): StoredMessage {
  return {
    _id: new Types.ObjectId(),
    account_id: message.account_id,
    room_id: message.room_id,
    seq: message.seq,
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
   * The next sequence numbers of rooms, one per entry of `roomIds` (a room named twice gets two, in
   * order). Called inside the messages' transaction: concurrent senders conflict on the counter and
   * retry, so numbers are gap-free and in commit order.
   */
  async nextSeqs(roomIds: Types.ObjectId[], session: ClientSession): Promise<number[]> {
    const counts = new Map<string, { id: Types.ObjectId; count: number }>();
    for (const id of roomIds) {
      const entry = counts.get(id.toHexString());
      if (entry) entry.count++;
      else counts.set(id.toHexString(), { id, count: 1 });
    }
    const last = new Map<string, number>();
    if (counts.size === 1) {
      const [{ id, count }] = counts.values();
      const counter = await this.sequences
        .findOneAndUpdate({ _id: id }, { $inc: { seq: count } }, { upsert: true, returnDocument: 'after', session })
        .lean<MessageSequence>();
      if (!counter) throw new Error('sequence upsert returned nothing');
      last.set(id.toHexString(), counter.seq);
    } else {
      const entries = [...counts.values()];
      await this.sequences.bulkWrite(
        entries.map(({ id, count }) => ({ updateOne: { filter: { _id: id }, update: { $inc: { seq: count } }, upsert: true } })),
        { session, ordered: false },
      );
      const counters = await this.sequences
        .find({ _id: { $in: entries.map((entry) => entry.id) } })
        .session(session)
        .lean<(MessageSequence & { _id: Types.ObjectId })[]>();
      for (const counter of counters) last.set(counter._id.toHexString(), counter.seq);
    }
    // Hand out each room's block in order: first entry gets the lowest number.
    const next = new Map([...counts].map(([key, { count }]) => [key, (last.get(key) ?? NaN) - count + 1]));
    return roomIds.map((id) => {
      const key = id.toHexString();
      const seq = next.get(key) ?? NaN;
      if (!Number.isFinite(seq)) throw new Error(`no sequence counter for room ${key}`);
      next.set(key, seq + 1);
      return seq;
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
   * Text search over the given rooms, newest first: live messages only, never one hidden from the
   * reader. `before`/`after` page as in {@link page}; `limit` includes one extra.
   */
  async search(
    accountId: string,
    roomIds: Types.ObjectId[],
    reader: Types.ObjectId,
    query: { q: string; before?: TimePosition; after?: TimePosition; limit: number },
  ): Promise<StoredMessage[]> {
    const filter: Record<string, unknown> = {
      ...messageTextCondition('plain_text', query.q),
      account_id: accountId,
      room_id: { $in: roomIds },
      receivers: reader,
      deleted: false,
      deleted_by: { $ne: reader },
    };
    const position = query.after ?? query.before;
    if (position) {
      const op = query.after ? '$gt' : '$lt';
      filter.$or = [{ created: { [op]: position.created } }, { created: position.created, _id: { [op]: position.id } }];
    }
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
  async markReadUpTo(accountId: string, roomId: Types.ObjectId, reader: Types.ObjectId, seq: number, at: Date): Promise<number> {
    const result = await this.messages.updateMany(
      { account_id: accountId, room_id: roomId, seq: { $lte: seq }, conversation_id: { $ne: reader }, is_read: false },
      { $set: { is_read: true, read_at: at } },
    );
    return result.modifiedCount;
  }

  /**
   * Moves a message's delivery forward to a provider's newer status (queued → sent → delivered or
   * failed; never back); null when it was not newer. The one way from failed is to sent, by a newer
   * status: an operator replayed the failed delivery and it went out (a late copy of an older `sent` stays ignored).
   */
  async advanceDelivery(
    accountId: string,
    id: Types.ObjectId,
    delivery: { status: 'sent' | 'delivered' | 'failed'; provider_id: string | null; error_code: string | null; updated_at: Date },
    session: ClientSession,
  ): Promise<StoredMessage | null> {
    const from =
      delivery.status === 'sent'
        ? { $or: [{ 'delivery.status': 'queued' }, { 'delivery.status': 'failed', 'delivery.updated_at': { $lt: delivery.updated_at } }] }
        : { 'delivery.status': { $in: ['queued', 'sent'] } };
    return this.messages
      .findOneAndUpdate(
        { _id: id, account_id: accountId, ...from } as Record<string, unknown>,
        {
          $set: {
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
    return this.messages
      .findOneAndUpdate(
        { _id: current._id, account_id: accountId, deleted: false },
        { $set: { content, plain_text: plainTextOf(content), edited_at: editedAt }, $push: { edits: { content: current.content, edited_at: editedAt } } },
        { returnDocument: 'after', session },
      )
      .lean<StoredMessage>();
  }

  /** Deletes a message for everyone (the document stays); null if it already was. */
  async deleteForEveryone(accountId: string, id: Types.ObjectId, byUserId: string, at: Date, session: ClientSession): Promise<StoredMessage | null> {
    return this.messages
      .findOneAndUpdate(
        { _id: id, account_id: accountId, deleted: false },
        { $set: { deleted: true, deleted_at: at, deleted_by_user_id: byUserId } },
        { returnDocument: 'after', session },
      )
      .lean<StoredMessage>();
  }

  /** Whether a live message (not deleted for everyone) of the account has this stored file attached. */
  async holdsFile(accountId: string, storageKey: string): Promise<boolean> {
    return (await this.messages.exists({ account_id: accountId, 'attachments.storage_key': storageKey, deleted: false })) !== null;
  }

  /** Hides a message from one conversation; null if it already was hidden from it. */
  async hideFrom(accountId: string, id: Types.ObjectId, reader: Types.ObjectId, session: ClientSession): Promise<StoredMessage | null> {
    return this.messages
      .findOneAndUpdate(
        { _id: id, account_id: accountId, deleted_by: { $ne: reader } },
        { $addToSet: { deleted_by: reader } },
        { returnDocument: 'after', session },
      )
      .lean<StoredMessage>();
  }
}
