import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Types, type ClientSession, type Model, type UpdateQuery } from 'mongoose';
import { Message, Room, containsText } from '@parley/database';
import type { StoredRoom } from './room.view.js';

export type RoomPagePosition = {
  /** last_activity in ms since the epoch */
  t: number;
  id: string;
};

export interface RoomFilters {
  type?: string;
  unread?: boolean;
  /** Rooms where an unread message mentions the member (true) or none does (false). */
  mentioned?: boolean;
  favorite?: boolean;
  search?: string;
  /** Users of the account whose name matches the search: direct rooms with them match. */
  searchUserIds?: string[];
  listingId?: string;
}


/** Rooms of one account; every query names the account. */
@Injectable()
export class RoomsRepository {
  constructor(
    @InjectModel(Room.name) private readonly rooms: Model<Room>,
    @InjectModel(Message.name) private readonly messages: Model<Message>,
  ) {}

  async findById(accountId: string, roomId: Types.ObjectId, session?: ClientSession): Promise<StoredRoom | null> {
    return this.rooms.findOne({ _id: roomId, account_id: accountId, deleted: false }, null, { session }).lean<StoredRoom>();
  }

  /** The direct room of a pair, or the listing room of a pair about one listing. */
  async findPairRoom(accountId: string, type: 'direct' | 'listing', pair: string, listingId: string | null): Promise<StoredRoom | null> {
    const filter = type === 'direct' ? { type, pair } : { type, pair, listing_id: listingId };
    return this.rooms.findOne({ account_id: accountId, deleted: false, ...filter }).lean<StoredRoom>();
  }

  /** Live rooms by account and id, keyed `account\u0000id`. */
  async findManyById(refs: { accountId: string; roomId: Types.ObjectId }[], session: ClientSession): Promise<Map<string, StoredRoom>> {
    if (refs.length === 0) return new Map();
    const found = await this.rooms
      .find({ $or: refs.map((ref) => ({ _id: ref.roomId, account_id: ref.accountId })), deleted: false })
      .session(session)
      .lean<StoredRoom[]>();
    return new Map(found.map((room) => [`${room.account_id}\u0000${room._id.toHexString()}`, room]));
  }

  /**
   * Applies each change to its room if the room's mirrored support state is older than the
   * change's version, in one write; returns the rooms that changed, as they are after.
   */
  async updateEachIfOlder(
    changes: { accountId: string; roomId: Types.ObjectId; version: number; update: UpdateQuery<Room>; removed: string[]; added: string[] }[],
    session: ClientSession,
  ): Promise<{ room: StoredRoom; removed: string[]; added: string[] }[]> {
    if (changes.length === 0) return [];
    await this.rooms.bulkWrite(
      changes.map((change) => ({
        updateOne: {
          filter: { _id: change.roomId, account_id: change.accountId, deleted: false, 'support.version': { $lt: change.version } },
          update: change.update,
        },
      })),
      { session, ordered: true },
    );
    const after = await this.findManyById(changes, session);
    return changes.flatMap((change) => {
      const room = after.get(`${change.accountId}\u0000${change.roomId.toHexString()}`);
      return room?.support?.version === change.version ? [{ room, removed: change.removed, added: change.added }] : [];
    });
  }

  /** Keeps the number and address of its inbox a support room's contact last wrote to. */
  async noteWrittenTo(accountId: string, roomId: Types.ObjectId, writtenTo: { sms?: string | null; email?: string | null }): Promise<void> {
    await this.rooms.updateOne({ _id: roomId, account_id: accountId, 'support.inbox_id': { $ne: null } }, { $set: { 'support.written_to': writtenTo } });
  }

  /** The open support room of a contact, if there is one. */
  async findOpenSupportRoom(accountId: string, contactKey: string): Promise<StoredRoom | null> {
    return this.rooms.findOne({ account_id: accountId, type: 'support', 'support.status': 'open', 'support.contact_key': contactKey, deleted: false }).lean<StoredRoom>();
  }

  /** Applies an update to a live room of the account and returns the room as it is after. */
  async update(
    accountId: string,
    roomId: Types.ObjectId,
    update: UpdateQuery<Room>,
    session: ClientSession,
    options: { arrayFilters?: Record<string, unknown>[] } = {},
  ): Promise<StoredRoom | null> {
    return this.rooms
      .findOneAndUpdate({ _id: roomId, account_id: accountId, deleted: false }, update, {
        session,
        returnDocument: 'after',
        arrayFilters: options.arrayFilters,
      })
      .lean<StoredRoom>();
  }

  async insert(room: Partial<Room>, session: ClientSession): Promise<StoredRoom> {
    const [created] = await this.rooms.create([room], { session });
    return created.toObject() as StoredRoom;
  }

  /**
   * A member's rooms by most recent activity, read outward from the cursor: the most recent first,
   * or from `before` on to older rooms; from `after`, the newer rooms nearest it first.
   */
  async listForMember(
    accountId: string,
    conversationId: Types.ObjectId,
    page: { before?: RoomPagePosition; after?: RoomPagePosition; limit: number },
    filters: RoomFilters = {},
  ): Promise<StoredRoom[]> {
    const filter: Record<string, unknown> = { account_id: accountId, 'members.conversation_id': conversationId, deleted: false };
    const and: Record<string, unknown>[] = [];
    if (filters.type) filter.type = filters.type;
    if (filters.listingId) Object.assign(filter, { type: 'listing', listing_id: filters.listingId });
    // false asks for the other rooms: nothing unread, not a favorite.
    const unread = { $elemMatch: { conversation_id: conversationId, count: { $gt: 0 } } };
    if (filters.unread !== undefined) filter.unread_count = filters.unread ? unread : { $not: unread };
    const mentioned = { $elemMatch: { conversation_id: conversationId, mention_count: { $gt: 0 } } };
    if (filters.mentioned !== undefined) and.push({ unread_count: filters.mentioned ? mentioned : { $not: mentioned } });
    const favorite = { $elemMatch: { conversation_id: conversationId, favorite: true } };
    if (filters.favorite !== undefined) and.push({ members: filters.favorite ? favorite : { $not: favorite } });
    if (filters.search) {
      const pattern = containsText(filters.search);
      and.push({
        $or: [
          { type: { $ne: 'direct' }, name: pattern },
          { type: 'direct', members: { $elemMatch: { user_id: { $in: filters.searchUserIds ?? [] }, conversation_id: { $ne: conversationId } } } },
        ],
      });
    }
    const position = page.before ?? page.after;
    if (position) {
      const operator = page.before ? '$lt' : '$gt';
      const at = new Date(position.t);
      const id = new Types.ObjectId(position.id);
      and.push({ $or: [{ last_activity: { [operator]: at } }, { last_activity: at, _id: { [operator]: id } }] });
    }
    if (and.length > 0) filter.$and = and;
    const direction = page.after ? 1 : -1;
    return this.rooms
      .find(filter)
      .sort({ last_activity: direction, _id: direction })
      .limit(page.limit)
      .lean<StoredRoom[]>();
  }

  /**
   * Applies new messages and returns the state of each room they touched after all of them: every
   * member but the author who has not read past a message gets one more unread, and the room's last
   * message moves forward (never back, whatever order events come in). One update per room, however
   * many of its messages there are (a run of a bulk's thousand is one); one room is one round trip,
   * several are two (a bulk write, then a read).
   */
  async applyMessages(accountId: string, messages: AppliedMessage[], session: ClientSession): Promise<StoredRoom[]> {
    const byRoom = new Map<string, AppliedMessage[]>();
    for (const message of messages) {
      const ofRoom = byRoom.get(message.roomId.toHexString());
      if (ofRoom) ofRoom.push(message);
      else byRoom.set(message.roomId.toHexString(), [message]);
    }
    if (byRoom.size === 1) {
      const [ofRoom] = byRoom.values();
      const room = await this.rooms
        .findOneAndUpdate({ _id: ofRoom[0].roomId, account_id: accountId }, messagesAppliedUpdate(ofRoom), {
          session,
          returnDocument: 'after',
          updatePipeline: true,
        })
        .lean<StoredRoom>();
      return room ? [room] : [];
    }
    await this.rooms.collection.bulkWrite(
      [...byRoom.values()].map((ofRoom) => ({
        updateOne: { filter: { _id: ofRoom[0].roomId, account_id: accountId }, update: messagesAppliedUpdate(ofRoom) },
      })),
      { session, ordered: true },
    );
    return this.rooms.find({ _id: { $in: [...byRoom.values()].map((ofRoom) => ofRoom[0].roomId) }, account_id: accountId }).session(session).lean<StoredRoom[]>();
  }

  /**
   * Marks a room read by one member up to a message (never backwards). Their unread count becomes
   * the number of later messages by others that the room has already counted and nobody deleted;
   * their mention count, how many of those mention them.
   */
  async markRead(
    accountId: string,
    room: StoredRoom,
    reader: Types.ObjectId,
    message: { id: Types.ObjectId; seq: number },
    session: ClientSession,
  ): Promise<{ receiptMoved: boolean } | null> {
    const { unread: stillUnread, mentions } = await this.countUnread(room, reader, message.seq, session);
    // Read again after marking the room unread: the receipt the others saw stays where it was until this passes it.
    const receiptSeq = room.unread_count.find((entry) => entry.conversation_id.equals(reader))?.receipt_seq ?? 0;
    const receiptMoved = message.seq > receiptSeq;
    const result = await this.rooms.updateOne(
      {
        _id: room._id,
        account_id: accountId,
        unread_count: { $elemMatch: { conversation_id: reader, last_read_seq: { $lt: message.seq } } },
      },
      {
        $set: {
          'unread_count.$[reader].count': stillUnread,
          'unread_count.$[reader].mention_count': mentions,
          'unread_count.$[reader].last_read_seq': message.seq,
          'unread_count.$[reader].counted_through': room.last_message_seq,
          ...(receiptMoved ? { 'unread_count.$[reader].receipt_seq': message.seq, 'members.$[member].last_message_read': message.id } : {}),
        },
      },
      { session, arrayFilters: [{ 'reader.conversation_id': reader }, ...(receiptMoved ? [{ 'member.conversation_id': reader }] : [])] },
    );
    return result.modifiedCount > 0 ? { receiptMoved } : null;
  }

  /**
   * A member marks the room unread from a message: their read mark goes back to just before it (if
   * it was past it) and their counts are taken again from there; their read receipt, which the
   * others saw, stays. Returns whether anything moved.
   */
  async markUnreadBy(accountId: string, room: StoredRoom, reader: Types.ObjectId, seq: number, session: ClientSession): Promise<boolean> {
    const { unread, mentions } = await this.countUnread(room, reader, seq - 1, session);
    const result = await this.rooms.updateOne(
      { _id: room._id, account_id: accountId, unread_count: { $elemMatch: { conversation_id: reader, last_read_seq: { $gte: seq } } } },
      {
        $set: {
          'unread_count.$[reader].last_read_seq': seq - 1,
          'unread_count.$[reader].count': unread,
          'unread_count.$[reader].mention_count': mentions,
          'unread_count.$[reader].counted_through': room.last_message_seq,
        },
      },
      { session, arrayFilters: [{ 'reader.conversation_id': reader }] },
    );
    return result.modifiedCount > 0;
  }

  /**
   * A reader's unread messages of a room past a read mark (sent to them, by others, not deleted, not
   * hidden from them, up to what the room has counted), and how many of them mention the reader: one
   * aggregation. A support room's reader counts all of it, as its team reads the whole room.
   */
  private async countUnread(room: StoredRoom, reader: Types.ObjectId, readThrough: number, session: ClientSession): Promise<{ unread: number; mentions: number }> {
    if (readThrough >= room.last_message_seq) return { unread: 0, mentions: 0 };
    const [counted] = await this.messages
      .aggregate<{ unread: number; mentions: number }>([
        {
          $match: {
            room_id: room._id,
            seq: { $gt: readThrough, $lte: room.last_message_seq },
            ...(room.type === 'support' ? {} : { receivers: reader }),
            conversation_id: { $ne: reader },
            deleted: false,
            deleted_by: { $ne: reader },
          },
        },
        {
          $group: {
            _id: null,
            unread: { $sum: 1 },
            mentions: { $sum: { $cond: [{ $or: [{ $eq: ['$mention_everyone', true] }, { $in: [reader, { $ifNull: ['$mentions', []] }] }] }, 1, 0] } },
          },
        },
      ])
      .session(session);
    return counted ?? { unread: 0, mentions: 0 };
  }

  /**
   * Counts every reader's unread messages of a room again (after its last read mark: by others, not
   * deleted, not hidden from them) and returns the room as it is after; null if it is not there.
   */
  async recountUnread(accountId: string, roomId: Types.ObjectId, session: ClientSession): Promise<StoredRoom | null> {
    const room = await this.rooms.findOne({ _id: roomId, account_id: accountId, deleted: false }).session(session).lean<StoredRoom>();
    if (!room) return null;
    // One after the other: a transaction's operations do not run concurrently.
    const counts: { unread: number; mentions: number }[] = [];
    for (const entry of room.unread_count) counts.push(await this.countUnread(room, entry.conversation_id, entry.last_read_seq, session));
    return this.rooms
      .findOneAndUpdate(
        { _id: room._id, account_id: accountId },
        {
          $set: Object.fromEntries(
            counts.flatMap((count, index) => [
              [`unread_count.${index}.count`, count.unread],
              [`unread_count.${index}.mention_count`, count.mentions],
              [`unread_count.${index}.counted_through`, room.last_message_seq],
            ]),
          ),
        },
        { session, returnDocument: 'after' },
      )
      .lean<StoredRoom>();
  }

  /**
   * Moves a reader's read mark back to just before a message (`seq`), if it was past it: their read
   * mark becomes the room's message before that one (none for the first). Returns whether it moved.
   */
  async markUnreadFrom(accountId: string, roomId: Types.ObjectId, reader: Types.ObjectId, seq: number, session: ClientSession): Promise<boolean> {
    const previous = await this.messages.findOne({ room_id: roomId, account_id: accountId, seq: seq - 1 }, { _id: 1 }).session(session).lean<{ _id: Types.ObjectId }>();
    const result = await this.rooms.updateOne(
      { _id: roomId, account_id: accountId, unread_count: { $elemMatch: { conversation_id: reader, last_read_seq: { $gte: seq } } } },
      {
        $set: {
          'unread_count.$[reader].last_read_seq': seq - 1,
          'unread_count.$[reader].receipt_seq': seq - 1,
          'members.$[member].last_message_read': previous?._id ?? null,
        },
      },
      { session, arrayFilters: [{ 'reader.conversation_id': reader }, { 'member.conversation_id': reader }] },
    );
    return result.modifiedCount > 0;
  }

  /** A message of this room (its place, author and mentions), if it is there; with `receivedBy`, only if it was sent to them. */
  async findMessage(accountId: string, roomId: Types.ObjectId, messageId: Types.ObjectId, receivedBy?: Types.ObjectId) {
    return this.messages
      .findOne({ _id: messageId, room_id: roomId, account_id: accountId, ...(receivedBy ? { receivers: receivedBy } : {}) }, { _id: 1, seq: 1, conversation_id: 1, mentions: 1, mention_everyone: 1 })
      .lean<{ _id: Types.ObjectId; seq: number; conversation_id: Types.ObjectId; mentions?: Types.ObjectId[]; mention_everyone?: boolean }>();
  }

  /**
   * Takes a deleted or hidden message out of the unread counts of the readers given that hold it:
   * each of them but its author who has not read past it loses one unread. Only once the room has
   * counted the message (a delete can overtake its create on another topic); otherwise, and when
   * no count holds it, nothing changes and this returns null. A later read recounts without it anyway.
   */
  async uncountMessage(accountId: string, roomId: Types.ObjectId, message: UncountedMessage, session: ClientSession): Promise<StoredRoom | null> {
    const chosen = (reader: string) =>
      'only' in message.readers
        ? { $eq: [`${reader}.conversation_id`, message.readers.only] }
        : { $not: [{ $in: [`${reader}.conversation_id`, message.readers.except] }] };
    const holds = (reader: string) => ({
      $and: [
        { $ne: [`${reader}.conversation_id`, message.author] },
        chosen(reader),
        { $lt: [`${reader}.last_read_seq`, message.seq] },
        { $gt: [`${reader}.count`, 0] },
      ],
    });
    // A mention the reader still counts goes with the message.
    const mentioned = (reader: string) => {
      const held = { $ifNull: [`${reader}.mention_count`, 0] };
      const named = message.mentionsEveryone ? true : { $in: [`${reader}.conversation_id`, { $literal: message.mentions }] };
      return { $cond: [{ $and: [named, { $gt: [held, 0] }] }, { $subtract: [held, 1] }, held] };
    };
    const whose = 'only' in message.readers ? { $eq: message.readers.only, $ne: message.author } : { $nin: [...message.readers.except, message.author] };
    return this.rooms
      .findOneAndUpdate(
        {
          _id: roomId,
          account_id: accountId,
          last_message_seq: { $gte: message.seq },
          unread_count: { $elemMatch: { conversation_id: whose, last_read_seq: { $lt: message.seq }, count: { $gt: 0 } } },
        },
        [
          {
            $set: {
              unread_count: {
                $map: {
                  input: '$unread_count',
                  as: 'reader',
                  in: {
                    $cond: [
                      holds('$$reader'),
                      {
                        $mergeObjects: [
                          '$$reader',
                          {
                            count: { $subtract: ['$$reader.count', 1] },
                            mention_count: mentioned('$$reader'),
                          },
                        ],
                      },
                      '$$reader',
                    ],
                  },
                },
              },
              updated: '$$NOW',
            },
          },
        ],
        { session, returnDocument: 'after', updatePipeline: true },
      )
      .lean<StoredRoom>();
  }
}

/** A message that stops counting as unread, and for whom: one reader (hidden from them) or all but some (deleted for everyone). */
export interface UncountedMessage {
  seq: number;
  /** null: a support room's contact wrote it. */
  author: Types.ObjectId | null;
  /** The members it mentions. */
  mentions: Types.ObjectId[];
  /** It mentions everyone who reads the room. */
  mentionsEveryone: boolean;
  readers: { only: Types.ObjectId } | { except: Types.ObjectId[] };
}

/** A stored message as a room counts it. */
export interface AppliedMessage {
  roomId: Types.ObjectId;
  id: Types.ObjectId;
  seq: number;
  /** null: the contact of a support room wrote it, so it is unread for every member. */
  author: Types.ObjectId | null;
  /** The members it mentions: their mention counts grow with their unread counts. */
  mentions: Types.ObjectId[];
  /** It mentions everyone who reads the room. */
  mentionsEveryone: boolean;
  created: Date;
}

/**
 * The update pipeline that counts new messages of one room: each reader's unread grows by those by
 * others past their read mark and past what their count was last taken through.
 */
function messagesAppliedUpdate(messages: AppliedMessage[]) {
  const last = messages.reduce((latest, message) => (message.seq > latest.seq ? message : latest));
  const newer = { $lt: ['$last_message_seq', last.seq] };
  const counted = messages.map((message) => ({ seq: message.seq, author: message.author, mentions: message.mentions, everyone: message.mentionsEveryone }));
  // The messages of this batch each reader counts: by others, past their read mark and past what their count was taken through.
  const countedBy = (reader: string) => ({
    $filter: {
      input: { $literal: counted },
      as: 'message',
      cond: {
        $and: [
          { $ne: ['$$message.author', `${reader}.conversation_id`] },
          { $lt: [`${reader}.last_read_seq`, '$$message.seq'] },
          { $lt: [{ $ifNull: [`${reader}.counted_through`, 0] }, '$$message.seq'] },
        ],
      },
    },
  });
  return [
    {
      $set: {
        unread_count: {
          $map: {
            input: '$unread_count',
            as: 'reader',
            in: {
              $mergeObjects: [
                '$$reader',
                {
                  count: { $add: ['$$reader.count', { $size: countedBy('$$reader') }] },
                  mention_count: {
                    $add: [
                      { $ifNull: ['$$reader.mention_count', 0] },
                      { $size: { $filter: { input: countedBy('$$reader'), as: 'counted', cond: { $or: ['$$counted.everyone', { $in: ['$$reader.conversation_id', '$$counted.mentions'] }] } } } },
                    ],
                  },
                },
              ],
            },
          },
        },
        last_message_id: { $cond: [newer, last.id, '$last_message_id'] },
        last_activity: { $cond: [newer, last.created, '$last_activity'] },
        last_message_seq: { $cond: [newer, last.seq, '$last_message_seq'] },
        updated: '$$NOW',
      },
    },
  ];
}
