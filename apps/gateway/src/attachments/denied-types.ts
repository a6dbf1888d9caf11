import { Injectable } from '@nestjs/common';
import { GatewayConfig } from '../gateway.config.js';

/**
 * ATTACHMENT_DENIED_TYPES, read once: the one rule for every file that becomes an attachment,
 * whether a teammate uploads it or a customer's email or MMS brings it. The declared media type
 * decides; the file name's extension does not.
 */
@Injectable()
export class DeniedAttachmentTypes {
  private readonly denied: Set<string>;

  constructor(config: GatewayConfig) {
    this.denied = new Set(config.ATTACHMENT_DENIED_TYPES.split(',').map(mediaTypeEssence).filter((type) => type !== ''));
  }

  /** The entry of the list a media type falls under, or null when it may be attached. */
  deniedEntry(contentType: string): string | null {
    const essence = mediaTypeEssence(contentType);
    return this.denied.has(essence) ? essence : null;
  }
}

/** `type/subtype` in lower case, without parameters: what a deny list entry names. */
function mediaTypeEssence(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}
