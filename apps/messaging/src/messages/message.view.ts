import type { MessageStateView, MessageUpdatedData } from '@parley/contracts';
import type { Message } from '@parley/database';
import type { Types } from 'mongoose';

export type StoredMessage = Message & { _id: Types.ObjectId };

/**
 * A stored message as the API shows it. A message deleted for everyone keeps its place but not its
 * content: every read, push and event shows it empty, whatever the document still holds for audit.
 */
export function toMessageView(message: StoredMessage): MessageStateView {
  const deleted = message.deleted === true;
  return {
    id: message._id.toHexString(),
    room_id: message.room_id.toHexString(),
    seq: message.seq,
    rev: message.rev ?? 0,
    conversation_id: message.conversation_id?.toHexString() ?? null,
    ...(message.contact ? { contact: { ...message.contact } } : {}),
    ...(message.private ? { private: true } : {}),
    ...(message.subject ? { subject: message.subject } : {}),
    ...(message.policy ? { policy: { masked: [...message.policy.masked] } } : {}),
    ...(message.is_read !== undefined ? { is_read: message.is_read, read_at: message.read_at?.toISOString() ?? null } : {}),
    ...(message.delivery
      ? {
          delivery: {
            channel: message.delivery.channel,
            status: message.delivery.status,
            provider_id: message.delivery.provider_id ?? null,
            error_code: message.delivery.error_code ?? null,
            updated_at: message.delivery.updated_at.toISOString(),
          },
        }
      : {}),
    ...(!deleted && message.reactions?.length
      ? {
          reactions: message.reactions.map(({ emoji, conversation_ids }) => ({
            emoji,
            count: conversation_ids.length,
            conversation_ids: conversation_ids.map((id) => id.toHexString()),
          })),
        }
      : {}),
    ...(!deleted && message.pinned ? { pinned: { conversation_id: message.pinned.conversation_id.toHexString(), at: message.pinned.at.toISOString() } } : {}),
    ...(!deleted && message.mentions?.length ? { mentions: message.mentions.map((id) => id.toHexString()) } : {}),
    ...(!deleted && message.mention_everyone ? { mention_everyone: true as const } : {}),
    content: deleted ? '' : message.content,
    source: message.source,
    attachments: deleted
      ? []
      : message.attachments.map((attachment) => ({
          name: attachment.name,
          size: attachment.size,
          content_type: attachment.content_type,
          ...(attachment.url ? { url: attachment.url } : {}),
          ...(attachment.storage_key ? { storage_key: attachment.storage_key } : {}),
        })),
    client_message_id: message.client_message_id,
    created: message.created.toISOString(),
    updated: message.updated.toISOString(),
    deleted,
    edited_at: message.edited_at ? message.edited_at.toISOString() : null,
  };
}

/**
 * A message as a page of changes shows it to `reader`: one they deleted for themselves comes as
 * `hidden`, without its content, so their devices drop it, with the later of its change numbers
 * and that deletion's.
 */
export function toChangeView(message: StoredMessage, reader: Types.ObjectId): MessageStateView {
  if (!message.deleted_by.some((hidden) => hidden.equals(reader))) return toMessageView(message);
  const hiddenAt = message.hides?.find((hide) => hide.conversation_id.equals(reader))?.rev ?? 0;
  return { ...toMessageView({ ...message, deleted: true }), rev: Math.max(message.rev ?? 0, hiddenAt), hidden: true };
}

/** What `parley.message.updated` says of a changed message: the message as it is now, to every receiver who still sees it. */
export function messageUpdatedData(message: StoredMessage): MessageUpdatedData & { message: MessageStateView } {
  const view = toMessageView(message);
  return { room_id: view.room_id, message: view, receivers: message.receivers.filter((receiver) => isVisibleTo(message, receiver)).map((receiver) => receiver.toHexString()) };
}

/** Whether a conversation may see a message at all: it was a receiver and has not hidden it. */
export function isVisibleTo(message: StoredMessage, reader: Types.ObjectId): boolean {
  return message.receivers.some((receiver) => receiver.equals(reader)) && !message.deleted_by.some((hidden) => hidden.equals(reader));
}
