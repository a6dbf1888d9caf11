import { describe, expect, it } from '@jest/globals';
import { containsText } from './text-match.js';

describe('containsText', () => {
  it('takes regex characters as themselves, case-insensitively', () => {
    expect(containsText('a.b (c)')).toEqual({ $regex: 'a\\.b \\(c\\)', $options: 'i' });
    expect(containsText('Zoë')).toEqual({ $regex: 'Zoë', $options: 'i' });
  });

  it('writes what PCRE refuses as it is (a NUL, line separators, control characters) as \\x{...} escapes', () => {
    expect(containsText('a\0b\u2028c\u2029d\n\u0085e').$regex).toBe('a\\x{0}b\\x{2028}c\\x{2029}d\\x{a}\\x{85}e');
  });

  it('reads a lone surrogate as the replacement character', () => {
    expect(containsText('a\ud800b').$regex).toBe('a\\x{fffd}b');
  });
});
