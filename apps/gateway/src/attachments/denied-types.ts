import { Injectable } from '@nestjs/common';
import mimeTypes from 'mime-types';
import { GatewayConfig } from '../gateway.config.js';

/**
 * ATTACHMENT_DENIED_TYPES, read once: the one rule for every file that becomes an attachment,
 * whether a teammate uploads it or a customer's email or MMS brings it. A file is refused when its
 * declared media type is listed, or when its name's extension stands for a listed type.
 */
@Injectable()
export class DeniedAttachmentTypes {
  private readonly denied: Set<string>;

  constructor(config: GatewayConfig) {
    this.denied = new Set(config.ATTACHMENT_DENIED_TYPES.split(',').map(mediaTypeEssence).filter((type) => type !== ''));
  }

  /**
   * The entry of the list a file falls under, and what named it, or null when it may be attached: by its declared media
   * type, or by the type its name's extension stands for (`setup.exe` declared as
   * `application/octet-stream` is still a program to whoever opens it).
   */
  deniedEntry(contentType: string, name?: string): { type: string; by: 'content_type' | 'name' } | null {
    const essence = mediaTypeEssence(contentType);
    if (this.denied.has(essence)) return { type: essence, by: 'content_type' };
    // Windows drops trailing dots and spaces from a name it saves: `setup.exe.` is saved as `setup.exe`.
    const named = name ? mimeTypes.lookup(name.replace(/[.\s]+$/, '')) : false;
    return named && this.denied.has(named) ? { type: named, by: 'name' } : null;
  }
}

/** `type/subtype` in lower case, without parameters: what a deny list entry names. */
function mediaTypeEssence(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}
