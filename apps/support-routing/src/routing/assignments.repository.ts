import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { ClientSession, QueryFilter, Model, Types, UpdateQuery } from 'mongoose';
import { contactKey } from '@parley/contracts';
import { SupportAssignment } from '@parley/database';

export type StoredAssignment = SupportAssignment & { _id: Types.ObjectId };

/** The support state of support rooms (`support.assignments`), one per room. */
@Injectable()
export class AssignmentsRepository {
  constructor(@InjectModel(SupportAssignment.name) private readonly assignments: Model<SupportAssignment>) {}

  /** Records newly opened rooms, waiting for an assignee; a room recorded before is left as it is. */
  async insertOpened(
    entries: Pick<SupportAssignment, 'account_id' | 'room_id' | 'inbox_id' | 'contact' | 'opened_at' | 'contact_first_message_at' | 'first_response_at'>[],
    session: ClientSession,
  ): Promise<void> {
    if (entries.length === 0) return;
    await this.assignments.bulkWrite(
      entries.map((entry) => ({
        updateOne: {
          filter: { room_id: entry.room_id },
          update: {
            $setOnInsert: {
              ...entry,
              status: 'open',
              assignee: null,
              assignment: null,
              waiting_since: entry.opened_at,
              resolved_at: null,
              last_message_id: null,
              last_activity: entry.opened_at,
              version: 1,
            },
          },
          upsert: true,
        },
      })),
      { session, ordered: true },
    );
  }

  /** Assigns waiting rooms (still open and unassigned) in one write, and returns them as they are after. */
  async assignMany(
    choices: { roomId: Types.ObjectId; set: UpdateQuery<SupportAssignment>['$set'] }[],
    session: ClientSession,
  ): Promise<StoredAssignment[]> {
    if (choices.length === 0) return [];
    await this.assignments.bulkWrite(
      choices.map((choice) => ({
        updateOne: {
          filter: { room_id: choice.roomId, status: 'open', assignee: null },
          update: { $set: choice.set, $inc: { version: 1 } },
        },
      })),
      { session, ordered: true },
    );
    const after = await this.assignments
      .find({ room_id: { $in: choices.map((choice) => choice.roomId) } })
      .session(session)
      .lean<StoredAssignment[]>();
    const byRoom = new Map(after.map((entry) => [entry.room_id.toHexString(), entry]));
    return choices.flatMap((choice) => {
      const entry = byRoom.get(choice.roomId.toHexString());
      return entry && entry.assignee?.equals(choice.set?.assignee) ? [entry] : [];
    });
  }

  async findByRoom(accountId: string, roomId: Types.ObjectId, session?: ClientSession): Promise<StoredAssignment | null> {
    return this.assignments.findOne({ room_id: roomId, account_id: accountId }).session(session ?? null).lean<StoredAssignment>();
  }

  /** Another open room of the account for the same contact (by contactKey), if there is one. */
  async otherOpenRoomOf(entry: StoredAssignment, session: ClientSession): Promise<StoredAssignment | null> {
    const key = contactKey(entry.contact);
    const same = [
      ...(entry.contact.id ? [{ 'contact.id': entry.contact.id }] : []),
      ...(entry.contact.phone ? [{ 'contact.phone': entry.contact.phone }] : []),
      ...(entry.contact.email ? [{ 'contact.email': { $in: [entry.contact.email, entry.contact.email.toLowerCase()] } }] : []),
    ];
    const candidates = await this.assignments
      .find({ account_id: entry.account_id, status: 'open', room_id: { $ne: entry.room_id }, $or: same })
      .session(session)
      .lean<StoredAssignment[]>();
    return candidates.find((candidate) => contactKey(candidate.contact) === key) ?? null;
  }

  /** Open rooms of an inbox nobody holds, oldest wait first. */
  async waiting(inboxId: Types.ObjectId, limit: number, session: ClientSession): Promise<StoredAssignment[]> {
    return this.assignments
      .find({ inbox_id: inboxId, status: 'open', assignee: null })
      .sort({ waiting_since: 1, _id: 1 })
      .limit(limit)
      .session(session)
      .lean<StoredAssignment[]>();
  }

  /** The inboxes that have rooms waiting for an assignee. */
  async inboxesWithWaitingRooms(): Promise<{ accountId: string; inboxId: Types.ObjectId }[]> {
    const groups = await this.assignments.aggregate<{ _id: { account: string; inbox: Types.ObjectId } }>([
      { $match: { status: 'open', assignee: null } },
      { $group: { _id: { account: '$account_id', inbox: '$inbox_id' } } },
      { $limit: 10_000 },
    ]);
    return groups.map((group) => ({ accountId: group._id.account, inboxId: group._id.inbox }));
  }

  /** How many open rooms of an inbox each member holds. */
  async openRoomsPerAssignee(inboxId: Types.ObjectId, session: ClientSession): Promise<Map<string, number>> {
    const groups = await this.assignments
      .aggregate<{ _id: Types.ObjectId; rooms: number }>([
        { $match: { inbox_id: inboxId, status: 'open', assignee: { $ne: null } } },
        { $group: { _id: '$assignee', rooms: { $sum: 1 } } },
      ])
      .session(session);
    return new Map(groups.map((group) => [group._id.toHexString(), group.rooms]));
  }

  /** Resolved rooms of an inbox one member was assigned last. */
  async resolvedOf(inboxId: Types.ObjectId, assignee: Types.ObjectId, session: ClientSession): Promise<StoredAssignment[]> {
    return this.assignments.find({ inbox_id: inboxId, status: 'resolved', assignee }).session(session).lean<StoredAssignment[]>();
  }

  /** Open rooms of an inbox one member holds. */
  async openOf(inboxId: Types.ObjectId, assignee: Types.ObjectId, session: ClientSession): Promise<StoredAssignment[]> {
    return this.assignments.find({ inbox_id: inboxId, status: 'open', assignee }).session(session).lean<StoredAssignment[]>();
  }

  /**
   * Raises the version of every room of an inbox but `except`, and returns them as they are after:
   * a change of the inbox's team (who sees its rooms) is a new state of each of its rooms.
   */
  async touchAllOf(inboxId: Types.ObjectId, except: Types.ObjectId[], session: ClientSession): Promise<StoredAssignment[]> {
    const filter = { inbox_id: inboxId, room_id: { $nin: except } };
    await this.assignments.updateMany(filter, { $inc: { version: 1 } }, { session });
    return this.assignments.find(filter).session(session).lean<StoredAssignment[]>();
  }

  /** Resolves every open room of an inbox (it is being deleted); touchAllOf raises their versions after. */
  async resolveAllOf(inboxId: Types.ObjectId, session: ClientSession): Promise<void> {
    await this.assignments.updateMany({ inbox_id: inboxId, status: 'open' }, { $set: { status: 'resolved', resolved_at: new Date(), waiting_since: null } }, { session });
  }

  /** Changes one room's support state if it is still as `expected` says, raising its version; null if it was not. */
  async change(
    roomId: Types.ObjectId,
    expected: QueryFilter<SupportAssignment>,
    update: UpdateQuery<SupportAssignment>,
    session: ClientSession,
  ): Promise<StoredAssignment | null> {
    return this.assignments
      .findOneAndUpdate({ ...expected, room_id: roomId }, { ...update, $inc: { version: 1 } }, { session, returnDocument: 'after' })
      .lean<StoredAssignment>();
  }

  /** Moves a room's last activity forward to a message (never back). */
  async touch(roomId: Types.ObjectId, messageId: Types.ObjectId, at: Date, session: ClientSession): Promise<void> {
    await this.assignments.updateOne(
      { room_id: roomId, last_activity: { $lte: at } },
      { $set: { last_activity: at, last_message_id: messageId } },
      { session },
    );
  }

  /** A page of support rooms matching a filter, newest activity first, after a position. */
  async page(filter: QueryFilter<SupportAssignment>, after: { t: Date; id: Types.ObjectId } | undefined, limit: number): Promise<StoredAssignment[]> {
    const position = after ? { $or: [{ last_activity: { $lt: after.t } }, { last_activity: after.t, _id: { $lt: after.id } }] } : {};
    return this.assignments
      .find({ ...filter, ...position })
      .sort({ last_activity: -1, _id: -1 })
      .limit(limit)
      .lean<StoredAssignment[]>();
  }

  async count(filter: QueryFilter<SupportAssignment>): Promise<number> {
    return this.assignments.countDocuments(filter);
  }

  /** First response and resolution times (ms) of an inbox's rooms, for its statistics. */
  async durations(accountId: string, inboxId: Types.ObjectId): Promise<{ firstResponse: number[]; resolution: number[] }> {
    const [row] = await this.assignments.aggregate<{ firstResponse: (number | null)[]; resolution: (number | null)[] }>([
      { $match: { account_id: accountId, inbox_id: inboxId } },
      {
        $group: {
          _id: null,
          firstResponse: {
            $push: {
              $cond: [
                { $and: [{ $ne: ['$first_response_at', null] }, { $ne: ['$contact_first_message_at', null] }] },
                { $subtract: ['$first_response_at', '$contact_first_message_at'] },
                null,
              ],
            },
          },
          resolution: {
            $push: { $cond: [{ $eq: ['$status', 'resolved'] }, { $subtract: ['$resolved_at', '$opened_at'] }, null] },
          },
        },
      },
    ]);
    const measured = (values: (number | null)[] | undefined) => (values ?? []).filter((value): value is number => typeof value === 'number');
    return { firstResponse: measured(row?.firstResponse), resolution: measured(row?.resolution) };
  }
}
