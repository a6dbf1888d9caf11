import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { from, mergeMap, type Observable } from 'rxjs';
import type { AttachmentView } from '@parley/contracts';
import { ObjectStorage } from '@parley/storage';

/** How long a download link in a read lasts: long enough to open the file, short enough not to share. */
export const ATTACHMENT_LINK_SECONDS = 15 * 60;

/**
 * Media a browser shows as it is, without running anything: linked to be opened in place. Anything
 * else (HTML, SVG, XML, scripts, documents) is linked as a download, so that a file a user sent
 * never renders as a page of the storage's origin.
 */
const SHOWN_IN_PLACE = /^(image\/(png|jpeg|gif|webp|avif|bmp)|audio\/[\w.+-]+|video\/[\w.+-]+|application\/pdf|text\/plain)$/;

/**
 * Gives every stored attachment in a read (messages, pages of them, favorites, a support room's
 * first message) a short-lived presigned download URL. Messaging answered the read, so the caller
 * may see these messages: links go only to those who may read them, and expire.
 */
@Injectable()
export class AttachmentLinksInterceptor implements NestInterceptor {
  constructor(private readonly storage: ObjectStorage) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(mergeMap((body) => from(this.link(body).then(() => body))));
  }

  private async link(body: unknown, depth = 0): Promise<void> {
    if (!body || typeof body !== 'object' || depth > 3) return;
    if (Array.isArray(body)) {
      await Promise.all(body.map((item) => this.link(item, depth + 1)));
      return;
    }
    const record = body as Record<string, unknown>;
    if (Array.isArray(record.attachments)) {
      await Promise.all(
        (record.attachments as AttachmentView[]).map(async (attachment) => {
          if (!attachment.storage_key) return;
          const inPlace = SHOWN_IN_PLACE.test(attachment.content_type.split(';')[0].trim().toLowerCase());
          attachment.url = (await this.storage.presignGet(attachment.storage_key, ATTACHMENT_LINK_SECONDS, inPlace ? {} : { saveAs: attachment.name })).url;
        }),
      );
    }
    for (const key of ['data', 'message']) if (key in record) await this.link(record[key], depth + 1);
  }
}
