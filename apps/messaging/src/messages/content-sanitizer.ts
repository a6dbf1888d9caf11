import { Injectable } from '@nestjs/common';
import sanitizeHtml from 'sanitize-html';

/** The elements of HTML (and SVG and MathML roots): a `<` that opens one of them is markup. */
const HTML_ELEMENTS = new Set(
  (
    'a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption cite code col colgroup ' +
    'data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption figure font footer form frame frameset ' +
    'h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label legend li link main map mark marquee menu ' +
    'meta meter nav noscript object ol optgroup option output p param picture pre progress q rp rt ruby s samp script search ' +
    'section select slot small source span strike strong style sub summary sup table tbody td template textarea tfoot th ' +
    'thead time title tr track tt u ul var video wbr svg math'
  ).split(' '),
);

/**
 * A whole tag at a position: `<name attr="v" other>`, `</name>`, or a comment. Anything else after a
 * `<` (`x<y`, `Array<string>`, `a<b && c>d`, `<bob@example.com>`) is text someone typed.
 */
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>|<!--[\s\S]*?-->/y;

/** Escapes every `<` that does not open a tag of an HTML element, so the text it starts is kept as typed. */
function escapeStrayAngles(content: string): string {
  if (!content.includes('<')) return content;
  let out = '';
  let at = 0;
  for (let index = content.indexOf('<'); index !== -1; index = content.indexOf('<', index + 1)) {
    TAG.lastIndex = index;
    const tag = TAG.exec(content);
    if (tag && (tag[2] === undefined || HTML_ELEMENTS.has(tag[2].toLowerCase()))) continue;
    out += content.slice(at, index) + '&lt;';
    at = index + 1;
  }
  return out + content.slice(at);
}

/**
 * Cleans message content before it is stored: basic formatting survives, scripts, styles, event
 * handlers and unsafe links do not. Content may be shown as HTML by a client, so it is stored clean.
 * A `<` that opens no tag is text (`x<y`, code, `<bob@example.com>`) and is kept, escaped: an HTML
 * reading would take it for a tag and drop what follows.
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
    return sanitizeHtml(escapeStrayAngles(content), this.options).trim();
  }
}
