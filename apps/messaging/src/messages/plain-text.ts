import { convert } from 'html-to-text';

/**
 * Stored message content (clean HTML, see ContentSanitizer) as the plain text an SMS or a text
 * email carries: entities decoded (`&amp;` is `&`), tags gone, breaks and paragraphs as new lines,
 * a link as its text and its url (`tracking https://...`: no brackets, so a masked link reads `[link hidden]`).
 */
export function plainTextOf(content: string): string {
  return convert(content, { wordwrap: false, selectors: [{ selector: 'a', options: { linkBrackets: false } }] }).trim();
}
