import { Injectable } from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/mongoose';
import type { ClientSession, Connection, Model, PipelineStage, Types } from 'mongoose';
import {
  AppError,
  createEnvelope,
  EventTopics,
  Limits,
  type Actor,
  type ConversationListPayload,
  type ConversationUpdatePayload,
  type ConversationView,
  type EventEnvelope,
  type Page,
  type PresenceChangedData,
  type PresenceStatus,
} from '@parley/contracts';
import { Conversation, cutPage, decodeCursor, encodeCursor, onePosition, PresenceHistoryEntry, runTransaction, toObjectId, containsText } from '@parley/database';
import { Outbox } from '@parley/kafka';
import { ConversationsRepository, type StoredConversation } from './conversations.repository.js';
import { toConversationView } from './conversation.view.js';

type IdCursor = { id: string };


/** Conversations: the team list, each user's settings and presence. */
@Injectable()
export class ConversationsService {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    @InjectModel(Conversation.name) private readonly model: Model<Conversation>,
    @InjectModel(PresenceHistoryEntry.name) private readonly history: Model<PresenceHistoryEntry>,
    private readonly conversations: ConversationsRepository,
    private readonly outbox: Outbox,
  ) {}

  /**
   * The account's team: every conversation whose user still exists, with the user's name; filter
   * by status, search by name, pages in conversation order.
   */
  async list(actor: Actor, payload: ConversationListPayload): Promise<Page<ConversationView>> {
    onePosition({ before: payload.before, after: payload.after });
    const limit = Math.min(payload.limit ?? Limits.pageSizeDefault, Limits.pageSizeMax);
    const before = payload.before ? decodeCursor<IdCursor>(payload.before, 'before', { id: 'string' }) : undefined;
    const after = payload.after ? decodeCursor<IdCursor>(payload.after, 'after', { id: 'string' }) : undefined;
    const match: Record<string, unknown> = { account_id: actor.accountId };
    if (payload.status) match.status = payload.status;
    if (before) match._id = { $gt: toObjectId(before.id, 'before') };
    if (after) match._id = { $lt: toObjectId(after.id, 'after') };
    const pipeline: PipelineStage[] = [
      { $match: match },
      { $sort: { _id: after ? -1 : 1 } },
      {
        $lookup: {
          from: '_users',
          let: { user: '$user_id', account: '$account_id' },
          pipeline: [{ $match: { $expr: { $and: [{ $eq: ['$_id', '$$user'] }, { $eq: ['$account_id', '$$account'] }] } } }, { $project: { name: 1 } }],
          as: 'user',
        },
      },
      { $unwind: '$user' },
      ...(payload.search ? [{ $match: { 'user.name': containsText(payload.search) } }] : []),
      { $limit: limit + 1 },
    ];
    const found = await this.model.aggregate<StoredConversation & { user: { name: string } }>(pipeline);
    return cutPage(
      found,
      { limit, from: after ? 'after' : before ? 'before' : 'start' },
      (conversation) => encodeCursor({ id: conversation._id.toHexString() }),
      (conversation) => ({ ...toConversationView(conversation), name: conversation.user.name }),
    );
  }

  /** Sets the caller's default SMS and email inbound; setting one moves it off whoever had it. */
  async update(actor: Actor, payload: ConversationUpdatePayload): Promise<ConversationView> {
    const me = await this.conversations.ensure(actor.accountId, actor.userId);
    const updated = await runTransaction(this.connection, async (session) => {
      for (const field of ['default_sms_inbound', 'default_email_inbound'] as const) {
        if (payload[field] === true) {
          await this.model.updateMany({ account_id: actor.accountId, [field]: true, _id: { $ne: me._id } }, { $set: { [field]: false } }, { session });
        }
      }
      const changes = Object.fromEntries(
        (['default_sms_inbound', 'default_email_inbound'] as const).filter((field) => payload[field] !== undefined).map((field) => [field, payload[field]]),
      );
      return this.model
        .findOneAndUpdate({ _id: me._id, account_id: actor.accountId }, { $set: changes }, { session, returnDocument: 'after' })
        .lean<StoredConversation>();
    });
    if (!updated) throw AppError.notFound('conversation');
    return toConversationView(updated);
  }

  /** Sets the caller's status, keeps it in the history and tells the team. */
  async setStatus(actor: Actor, status: PresenceStatus, correlationId?: string): Promise<ConversationView> {
    const me = await this.conversations.ensure(actor.accountId, actor.userId);
    const updated = await runTransaction(this.connection, (session) =>
      this.applyStatus(me, status, 'api', session, { ...actor, conversationId: me._id.toHexString() }, correlationId),
    );
    return toConversationView(updated ?? me);
  }

  /** Applies a presence change derived from the user's sockets (realtime's `parley.presence.changed`). */
  async applySocketPresence(envelope: EventEnvelope<PresenceChangedData>, session: ClientSession): Promise<void> {
    if (envelope.data.source !== 'sockets') return;
    const conversationId = toObjectId(envelope.data.conversation_id, 'conversation_id');
    const me = await this.conversations.findById(envelope.accountId, conversationId);
    if (!me || me.status === envelope.data.status) return;
    await this.applyStatus(me, envelope.data.status, 'sockets', session, null);
  }

  private async applyStatus(
    me: StoredConversation,
    status: PresenceStatus,
    source: 'api' | 'sockets',
    session: ClientSession,
    actor: Actor | null,
    correlationId?: string,
  ): Promise<StoredConversation | null> {
    const updated = await this.model
      .findOneAndUpdate({ _id: me._id, account_id: me.account_id }, { $set: { status } }, { session, returnDocument: 'after' })
      .lean<StoredConversation>();
    await this.history.create([{ account_id: me.account_id, conversation_id: me._id as Types.ObjectId, status, source, at: new Date() }], { session });
    // A change the sockets caused was announced by realtime already; one set through the API is announced here.
    if (source === 'api') {
      const data: PresenceChangedData = { conversation_id: me._id.toHexString(), user_id: me.user_id, status, source };
      await this.outbox.add(
        session,
        [createEnvelope({ type: EventTopics.PresenceChanged, accountId: me.account_id, key: data.conversation_id, actor, data })],
        correlationId,
      );
    }
    return updated;
  }
}
