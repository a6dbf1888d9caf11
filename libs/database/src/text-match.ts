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
