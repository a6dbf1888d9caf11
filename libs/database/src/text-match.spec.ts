import { describe, expect, it } from '@jest/globals';
import { containsText, messageTextCondition } from './text-match.js';

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

describe('messageTextCondition', () => {
  it('leaves words of spaced scripts to the text index', () => {
    expect(messageTextCondition('plain_text', 'budget approved')).toEqual({ $text: { $search: 'budget approved' } });
    expect(messageTextCondition('plain_text', 'Zoë приём 회의')).toEqual({ $text: { $search: 'Zoë приём 회의' } });
  });

  it('matches text containing each part of a Chinese, Japanese or Thai search, which the text index cannot split', () => {
    expect(messageTextCondition('plain_text', '会议')).toEqual({ $and: [{ plain_text: { $regex: '会议', $options: 'i' } }] });
    expect(messageTextCondition('plain_text', ' 会議  Budget ')).toEqual({
      $and: [{ plain_text: { $regex: '会議', $options: 'i' } }, { plain_text: { $regex: 'Budget', $options: 'i' } }],
    });
    expect(messageTextCondition('plain_text', 'ประชุม')).toEqual({ $and: [{ plain_text: { $regex: 'ประชุม', $options: 'i' } }] });
    expect(messageTextCondition('plain_text', 'カタカナ')).toHaveProperty('$and');
  });
});
