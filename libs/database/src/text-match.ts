/** Regex characters, matched as themselves once escaped. */
const SPECIAL = /[.*+?^${}()|[\]\\]/;

/**
 * A case-insensitive "contains" match for a user's search text, as a `$regex` condition. The
 * pattern is written for MongoDB's PCRE, not taken from a JavaScript RegExp: a RegExp's source
 * spells U+2028 as \u2028, which PCRE refuses, and PCRE refuses a NUL in a pattern. So regex
 * characters are escaped, control characters and line separators are written as \x{...}, and a
 * lone surrogate (no character at all) as the replacement character it would read as.
 */
export function containsText(text: string): { $regex: string; $options: 'i' } {
  let pattern = '';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (SPECIAL.test(char)) pattern += `\\${char}`;
    else if (code >= 0xd800 && code <= 0xdfff) pattern += '\\x{fffd}';
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029) pattern += `\\x{${code.toString(16)}}`;
    else pattern += char;
  }
  return { $regex: pattern, $options: 'i' };
}

/**
 * Characters of scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer,
 * Myanmar). MongoDB's text index splits words at spaces and punctuation, so a sentence of these is
 * one "word" to it and no part of it can be found.
 */
const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/**
 * The condition a message search puts on `field` (a message's plain text) for what a user typed:
 * the text index's word match, or, when the search holds words of a script written without spaces,
 * a match of text containing each of its space-separated parts (the text index would find none of
 * them). That match reads every message the search's other conditions leave (a room's, or a
 * reader's rooms'), not an index of words.
 */
export function messageTextCondition(field: string, search: string): Record<string, unknown> {
  if (!UNSPACED_SCRIPT.test(search)) return { $text: { $search: search } };
  const parts = search.split(/\s+/).filter((part) => part.length > 0);
  return { $and: parts.map((part) => ({ [field]: containsText(part) })) };
}
