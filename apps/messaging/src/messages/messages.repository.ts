import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { ClientSession, Model, Types } from 'mongoose';
import { Message, MessageSequence } from '@parley/database';
import type { StoredMessage } from './message.view.js';

/** Messages of one account; every query names the account. */
@Injectable()
export class MessagesRepository {
  constructor(
    @InjectModel(Message.name) private readonly messages: Model<Message>,
    @InjectModel(MessageSequence.name) private readonly sequences: Model<MessageSequence>,
  ) {}

  /**
   * The room's next sequence number. Called inside the message's transaction: concurrent senders
   * conflict on the counter and retry, so numbers are gap-free and in commit order.
   */
  async nextSeq(roomId: Types.ObjectId, session: ClientSession): Promise<number> {
    const counter = await this.sequences
      .findOneAndUpdate({ _id: roomId }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after', session })
      .lean<MessageSequence>();
    if (!counter) throw new Error('sequence upsert returned nothing');
    return counter.seq;
  }

  async insert(message: Omit<Message, 'created' | 'updated'>, session: ClientSession): Promise<StoredMessage> {
    const [created] = await this.messages.create([message], { session });
    return created.toObject() as StoredMessage;
  }

  async findByClientMessageId(accountId: string, author: Types.ObjectId, clientMessageId: string): Promise<StoredMessage | null> {
    return this.messages
      .findOne({ account_id: accountId, conversation_id: author, client_message_id: clientMessageId })
      .lean<StoredMessage>();
  }

  /**
   * A page of the messages a member may read, newest first. `beforeSeq` pages back in time,
   * `afterSeq` forward; `limit` includes one extra to tell whether more exist.
   */
  async page(
    accountId: string,
    roomId: Types.ObjectId,
    reader: Types.ObjectId,
    page: { beforeSeq?: number; afterSeq?: number; limit: number },
  ): Promise<StoredMessage[]> {
    const filter: Record<string, unknown> = {
      account_id: accountId,
      room_id: roomId,
      receivers: reader,
      deleted_by: { $ne: reader },
    };
    if (page.beforeSeq !== undefined) filter.seq = { $lt: page.beforeSeq };
    if (page.afterSeq !== undefined) filter.seq = { $gt: page.afterSeq };
    const direction = page.afterSeq !== undefined ? 1 : -1;
    const found = await this.messages.find(filter).sort({ seq: direction }).limit(page.limit).lean<StoredMessage[]>();
    return direction === 1 ? found.reverse() : found;
  }
}
