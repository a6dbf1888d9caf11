import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, Types } from 'mongoose';
import {
  AppError,
  createEnvelope,
  EventTopics,
  Limits,
  checkReaction,
  type Actor,
  type MessageStateView,
  type ReactionSetPayload,
} from '@parley/contracts';
import { runTransaction } from '@parley/database';
import { Outbox } from '@parley/kafka';
import { MessageAccess } from '../messages/message-access.js';
import { messageUpdatedData, toMessageView, type StoredMessage } from '../messages/message.view.js';
import { MessagesRepository } from '../messages/messages.repository.js';

type Reactions = NonNullable<StoredMessage['reactions']>;

/** Reactions to messages: each member gives an emoji to a message at most once. */
@Injectable()
export class ReactionsService {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly outbox: Outbox,
    private readonly messages: MessagesRepository,
    private readonly messageAccess: MessageAccess,
  ) {}

  /**
   * Gives or takes back the caller's reaction to a message they may read; both are idempotent and
   * answer the message as it is now. A change is `parley.message.updated` to every device of the
   * room; a repeat tells nobody. A deleted message takes none (409), nor does a message past
   * {@link Limits.reactionsPerMessageMax} different reactions (422).
   */
  async set(actor: Actor, payload: ReactionSetPayload, correlationId?: string): Promise<MessageStateView> {
    checkReaction(payload.emoji);
    const { message, conversationId, room } = await this.messageAccess.readable(actor, payload.messageId);
    if (message.deleted) throw AppError.conflict('The message was deleted');
    // The marketplace contract: a listing message changes only in read state and deletion.
    if (room.type === 'listing') throw AppError.conflict('Listing messages take no reactions: they change only in read state and deletion');
    const by = { ...actor, conversationId: conversationId.toHexString() };
    return runTransaction(this.connection, async (session) => {
      // Read again inside the transaction: a concurrent reaction makes this one conflict and retry.
      const current = await this.messages.findById(actor.accountId, message._id, session);
      if (!current || current.deleted) throw AppError.conflict('The message was deleted');
      const reactions = withReaction(current.reactions ?? [], payload.emoji, conversationId, payload.reacted);
      if (!reactions) return toMessageView(current);
      const changed = await this.messages.setReactions(actor.accountId, current, reactions, session);
      if (!changed) throw AppError.conflict('The message was deleted');
      const data = messageUpdatedData(changed);
      await this.outbox.add(session, [createEnvelope({ type: EventTopics.MessageUpdated, accountId: actor.accountId, key: data.room_id, actor: by, data })], correlationId);
      return data.message;
    });
  }
}

/** The reactions with the member's `emoji` given or taken back; null when that changes nothing. */
export function withReaction(reactions: Reactions, emoji: string, member: Types.ObjectId, reacted: boolean): Reactions | null {
  const given = reactions.find((reaction) => reaction.emoji === emoji);
  const gave = !!given?.conversation_ids.some((id) => id.equals(member));
  if (gave === reacted) return null;
  if (!reacted) {
    return reactions.flatMap((reaction) => {
      if (reaction.emoji !== emoji) return [reaction];
      const left = reaction.conversation_ids.filter((id) => !id.equals(member));
      return left.length > 0 ? [{ emoji, conversation_ids: left }] : [];
    });
  }
  if (given) return reactions.map((reaction) => (reaction === given ? { emoji, conversation_ids: [...reaction.conversation_ids, member] } : reaction));
  if (reactions.length >= Limits.reactionsPerMessageMax) {
    throw AppError.unprocessable('emoji', `a message holds at most ${Limits.reactionsPerMessageMax} different reactions: add to one it has`);
  }
  return [...reactions, { emoji, conversation_ids: [member] }];
}
