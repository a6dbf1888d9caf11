import type { MessageView } from '@parley/contracts';
import type { Message } from '@parley/database';
import type { Types } from 'mongoose';

export type StoredMessage = Message & { _id: Types.ObjectId };

/** A stored message as the API shows it. */
export function toMessageView(message: StoredMessage): MessageView {
  return {
    id: message._id.toHexString(),
    room_id: message.room_id.toHexString(),
    seq: message.seq,
    conversation_id: message.conversation_id.toHexString(),
    content: message.content,
    source: message.source,
    attachments: message.attachments.map((attachment) => ({
      name: attachment.name,
      size: attachment.size,
      content_type: attachment.content_type,
      ...(attachment.url ? { url: attachment.url } : {}),
      ...(attachment.storage_key ? { storage_key: attachment.storage_key } : {}),
    })),
    client_message_id: message.client_message_id,
    created: message.created.toISOString(),
    updated: message.updated.toISOString(),
  };
}
