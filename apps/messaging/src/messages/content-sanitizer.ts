import { Injectable } from '@nestjs/common';
import sanitizeHtml from 'sanitize-html';

/**
 * Cleans message content before it is stored: basic formatting survives, scripts, styles, event
 * handlers and unsafe links do not. Content may be shown as HTML by a client, so it is stored clean.
 */
@Injectable()
export class ContentSanitizer {
  private readonly options: sanitizeHtml.IOptions = {
    allowedTags: ['b', 'strong', 'i', 'em', 'u', 's', 'code', 'pre', 'br', 'p', 'ul', 'ol', 'li', 'blockquote', 'a'],
    allowedAttributes: { a: ['href'] },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    disallowedTagsMode: 'discard',
  };

  clean(content: string): string {
    return sanitizeHtml(content, this.options).trim();
  }
}
