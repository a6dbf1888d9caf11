import { describe, expect, it } from '@jest/globals';
import { AppError } from './errors.js';
import { checkReaction, nameAsRead, readableName } from './limits.js';

describe('nameAsRead', () => {
  it('trims a name and keeps it in one Unicode form, so Café typed either way is one name', () => {
    expect(nameAsRead('  Cafe\u0301 ')).toEqual({ name: 'Caf\u00e9', problem: null });
  });

  it('takes letters of any script, emoji and joined emoji', () => {
    for (const given of ['Dana Ørsted', 'محمد', '👩\u200d💻 desk', 'R&D']) expect(nameAsRead(given).problem).toBeNull();
  });

  it('finds nothing to show in white space and zero-width characters alone', () => {
    for (const given of ['\u200b', '\u200b\u2060 ', '\ufeff\u200d']) expect(nameAsRead(given).problem).toMatch(/shows nothing/);
  });

  it('refuses control characters and text-direction overrides, which make a list read other than it is', () => {
    for (const given of ['a\u0000b', 'line\nbreak', '\u202eevil', 'V\u202eIP', 'x\u2066y\u2069']) {
      expect(nameAsRead(given).problem).toMatch(/control characters or text-direction overrides/);
    }
  });
});

describe('readableName', () => {
  it('gives back the name as it will be stored', () => {
    expect(readableName(' Help desk ', 'name')).toBe('Help desk');
  });

  it('is a 422 naming the field for a name that cannot be shown', () => {
    const refused = (() => {
      try {
        return readableName('\u202eevil\u0000', 'contact.name');
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ statusCode: 422, details: [{ field: 'contact.name' }] });
  });
});

describe('checkReaction', () => {
  const refusal = (emoji: string) => {
    try {
      checkReaction(emoji);
      return null;
    } catch (error) {
      return (error as { statusCode: number }).statusCode;
    }
  };

  it('takes one emoji of any kind, and a short name', () => {
    for (const emoji of ['👍', '👍🏽', '🇫🇷', '👨‍👩‍👧', '🏳️‍🌈', '1️⃣', '❤', '❤️', 'thumbsup', '+1', 'white_check_mark', 'lol']) expect(refusal(emoji)).toBeNull();
  });

  it('refuses an empty or long one with a 400, and two emoji, hidden or direction-changing characters, a lone variation selector or dots with a 422', () => {
    expect([refusal(''), refusal('x'.repeat(33))]).toEqual([400, 400]);
    for (const emoji of ['👍👍', '👍\u200b', '\u200e👍', '\u202e', '\ufe0f', '\u0301', '..', '.', 'thumbs up', '<img>', 'a\u0001']) expect(refusal(emoji)).toBe(422);
  });
});
