import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { ClientSession, Model, Types, UpdateQuery } from 'mongoose';
import { SupportInbox } from '@parley/database';

export type StoredInbox = SupportInbox & { _id: Types.ObjectId };

/** Support inboxes (`support.inboxes`), always within one account, live ones only unless said. */
@Injectable()
export class InboxesRepository {
  constructor(@InjectModel(SupportInbox.name) private readonly inboxes: Model<SupportInbox>) {}

  async insert(inbox: Omit<SupportInbox, 'created' | 'updated' | 'routing_version' | 'round_robin_last'>): Promise<StoredInbox> {
    const [created] = await this.inboxes.create([inbox]);
    return created.toObject<StoredInbox>();
  }

  async findLive(accountId: string, id: Types.ObjectId, session?: ClientSession): Promise<StoredInbox | null> {
    return this.inboxes.findOne({ _id: id, account_id: accountId, deleted: false }).session(session ?? null).lean<StoredInbox>();
  }

  /** The account's live inboxes, oldest first. */
  async listLive(accountId: string): Promise<StoredInbox[]> {
    return this.inboxes.find({ account_id: accountId, deleted: false }).sort({ created: 1, _id: 1 }).limit(1000).lean<StoredInbox[]>();
  }

  /** The live inboxes a conversation works in. */
  async ofMember(accountId: string, conversationId: Types.ObjectId): Promise<StoredInbox[]> {
    return this.inboxes.find({ account_id: accountId, 'members.conversation_id': conversationId, deleted: false }).lean<StoredInbox[]>();
  }

  /**
   * Takes the inbox's routing lock for this transaction (raises `routing_version`): a concurrent
   * transaction that takes it too conflicts and retries after this one commits. Null: no such live inbox.
   */
  async lockForRouting(accountId: string, id: Types.ObjectId, session: ClientSession): Promise<StoredInbox | null> {
    return this.inboxes
      .findOneAndUpdate({ _id: id, account_id: accountId, deleted: false }, { $inc: { routing_version: 1 } }, { session, returnDocument: 'after' })
      .lean<StoredInbox>();
  }

  /** Changes a live inbox; the change takes its routing lock too. */
  async update(
    accountId: string,
    id: Types.ObjectId,
    update: UpdateQuery<SupportInbox>,
    session: ClientSession,
    options: { arrayFilters?: Record<string, unknown>[] } = {},
  ): Promise<StoredInbox | null> {
    return this.inboxes
      .findOneAndUpdate(
        { _id: id, account_id: accountId, deleted: false },
        { ...update, $inc: { routing_version: 1 } },
        { session, returnDocument: 'after', runValidators: true, ...options },
      )
      .lean<StoredInbox>();
  }

  /** Records who the router gave rooms to: when each was last assigned, and the round-robin pointer. */
  async recordAssignments(
    id: Types.ObjectId,
    assigned: { conversationId: Types.ObjectId; at: Date }[],
    roundRobinLast: Types.ObjectId | null,
    session: ClientSession,
  ): Promise<void> {
    if (assigned.length === 0) return;
    const latest = new Map<string, { conversationId: Types.ObjectId; at: Date }>();
    for (const entry of assigned) latest.set(entry.conversationId.toHexString(), entry);
    const set: Record<string, unknown> = {};
    const arrayFilters: Record<string, unknown>[] = [];
    [...latest.values()].forEach((entry, index) => {
      set[`members.$[m${index}].last_assigned_at`] = entry.at;
      arrayFilters.push({ [`m${index}.conversation_id`]: entry.conversationId });
    });
    if (roundRobinLast) set.round_robin_last = roundRobinLast;
    await this.inboxes.updateOne({ _id: id }, { $set: set }, { session, arrayFilters });
  }
}
