import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { AppError, type Actor, type AttachmentRef, type AttachmentView } from '@parley/contracts';
import { accountOfStorageKey, fileNameOfStorageKey, ObjectStorage, uploaderTag } from '@parley/storage';
import type { StoredMessage } from './message.view.js';
import { MessagesRepository } from './messages.repository.js';

/**
 * Attachments that name a stored file: the key must be the caller's account's and the file must be
 * in the bucket, uploaded by the caller through its presigned URL; its size and type are taken from the storage,
 * not from the client, and its name from the key unless the sender gave one. A 400 or 422 names the
 * attachment otherwise, and nothing is stored.
 */
@Injectable()
export class StoredAttachments {
  constructor(
    private readonly storage: ObjectStorage,
    private readonly messages: MessagesRepository,
    @InjectPinoLogger(StoredAttachments.name) private readonly logger: PinoLogger,
  ) {}

  /**
   * Deletes the stored files of a message deleted for everyone that no live message still holds
   * (its uploader may have sent a file twice): its download links stop working. After the commit;
   * a file that could not be deleted is logged and stays, unreachable through the API.
   */
  async release(message: StoredMessage): Promise<void> {
    const keys = [...new Set(message.attachments.flatMap((attachment) => (attachment.storage_key ? [attachment.storage_key] : [])))];
    for (const key of keys) {
      try {
        if (!(await this.messages.holdsFile(message.account_id, key))) await this.storage.delete(key);
      } catch (error) {
        this.logger.warn({ err: error, key, messageId: message._id.toHexString() }, 'the file of a message deleted for everyone could not be deleted');
      }
    }
  }

  /** The attachments as they will be stored; links (`url` without a key) pass as they are. */
  async verify(actor: Actor, attachments: AttachmentRef[] | undefined): Promise<AttachmentView[] | undefined> {
    if (!attachments) return undefined;
    return Promise.all(
      attachments.map(async (attachment, index) => {
        const key = attachment.storage_key;
        if (!key) return asLink(attachment, index);
        const field = `attachments.${index}.storage_key`;
        // Another account's key, or another user's, reads as one never uploaded: a key seen in a
        // message is not a way to send its file on, nor to keep it past the message's deletion.
        const stored = accountOfStorageKey(key) === actor.accountId ? await this.storage.head(key) : null;
        if (!stored || stored.uploader !== uploaderTag(actor.accountId, actor.userId)) {
          throw AppError.unprocessable(field, `${field} names no file you uploaded (upload it to the URL of POST /v1/attachments first)`);
        }
        return {
          name: attachment.name ?? fileNameOfStorageKey(key),
          size: stored.size,
          content_type: stored.contentType ?? attachment.content_type ?? 'application/octet-stream',
          storage_key: key,
        };
      }),
    );
  }
}

/** A link attachment, which must say what it is (the gateway's validation holds it to that too). */
function asLink(attachment: AttachmentRef, index: number): AttachmentView {
  const { name, size, content_type: contentType } = attachment;
  for (const [field, value] of [['name', name], ['size', size], ['content_type', contentType]] as const) {
    if (value === undefined) throw AppError.badRequest(`attachments.${index}.${field}`, `attachments.${index}.${field} is required with a url`);
  }
  return { ...attachment, name: name as string, size: size as number, content_type: contentType as string };
}
