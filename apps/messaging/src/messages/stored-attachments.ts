import { Injectable } from '@nestjs/common';
import { AppError, type Actor, type AttachmentView } from '@parley/contracts';
import { accountOfStorageKey, ObjectStorage } from '@parley/storage';

/**
 * Attachments that name a stored file: the key must be the caller's account's and the file must be
 * in the bucket (uploaded through its presigned URL); its size and type are taken from the storage,
 * not from the client. A 400 names the attachment otherwise, and nothing is stored.
 */
@Injectable()
export class StoredAttachments {
  constructor(private readonly storage: ObjectStorage) {}

  /** The attachments as they will be stored; links (`url` without a key) pass as they are. */
  async verify(actor: Actor, attachments: AttachmentView[] | undefined): Promise<AttachmentView[] | undefined> {
    if (!attachments?.some((attachment) => attachment.storage_key)) return attachments;
    return Promise.all(
      attachments.map(async (attachment, index) => {
        const key = attachment.storage_key;
        if (!key) return attachment;
        const field = `attachments.${index}.storage_key`;
        // Another account's key reads as one never uploaded: nothing about other accounts leaks.
        const stored = accountOfStorageKey(key) === actor.accountId ? await this.storage.head(key) : null;
        if (!stored) throw AppError.unprocessable(field, `${field} names no uploaded file of this account (upload it to the URL of POST /v1/attachments first)`);
        return { name: attachment.name, size: stored.size, content_type: stored.contentType ?? attachment.content_type, storage_key: key };
      }),
    );
  }
}
