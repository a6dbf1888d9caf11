import { Injectable } from '@nestjs/common';
import { AppError, type Actor, type AttachmentRef, type AttachmentView } from '@parley/contracts';
import { accountOfStorageKey, fileNameOfStorageKey, ObjectStorage } from '@parley/storage';

/**
 * Attachments that name a stored file: the key must be the caller's account's and the file must be
 * in the bucket (uploaded through its presigned URL); its size and type are taken from the storage,
 * not from the client, and its name from the key unless the sender gave one. A 400 or 422 names the
 * attachment otherwise, and nothing is stored.
 */
@Injectable()
export class StoredAttachments {
  constructor(private readonly storage: ObjectStorage) {}

  /** The attachments as they will be stored; links (`url` without a key) pass as they are. */
  async verify(actor: Actor, attachments: AttachmentRef[] | undefined): Promise<AttachmentView[] | undefined> {
    if (!attachments) return undefined;
    return Promise.all(
      attachments.map(async (attachment, index) => {
        const key = attachment.storage_key;
        if (!key) return asLink(attachment, index);
        const field = `attachments.${index}.storage_key`;
        // Another account's key reads as one never uploaded: nothing about other accounts leaks.
        const stored = accountOfStorageKey(key) === actor.accountId ? await this.storage.head(key) : null;
        if (!stored) throw AppError.unprocessable(field, `${field} names no uploaded file of this account (upload it to the URL of POST /v1/attachments first)`);
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
