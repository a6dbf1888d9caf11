import { compile } from 'html-to-text';
import { showsText } from '@parley/contracts';

/** Compiled once: html-to-text builds its selectors per call otherwise (about 250 µs a message, against 6-10 compiled). */
const convert = compile({ wordwrap: false, selectors: [{ selector: 'a', options: { linkBrackets: false } }] });

/** What only an HTML reading turns into text: a tag or an entity. */
const MARKUP = /[<&]/;

/**
 * Stored message content (clean HTML, see ContentSanitizer) as the plain text an SMS or a text
 * email carries: entities decoded (`&amp;` is `&`), tags gone, breaks and paragraphs as new lines,
 * a link as its text and its url (`tracking https://...`: no brackets, so a masked link reads `[link hidden]`).
 * A line break typed in the text is one, as every client shows it (`white-space: pre-wrap`), though
 * HTML would fold it into a space: `Order #5 &amp; #6\nship Monday` is two lines.
 */
export function plainTextOf(content: string): string {
  // Most chat messages have no markup and no entity: they are their own text (and keep their line breaks).
  if (!MARKUP.test(content)) return content.trim();
  return convert(content.replace(/\r?\n/g, '<br>')).trim();
}

/** Whether clean content shows a reader anything: `<br><p></p>` or zero-width spaces alone do not. */
export function showsAnything(content: string): boolean {
  return showsText(plainTextOf(content));
}
