import { describe, expect, it } from '@jest/globals';
import { AppError } from '@parley/contracts';
import { cutPage, decodeCursor, encodeCursor, forwardPage, onePosition, timeCursor, timePosition } from './cursor.js';
import { toObjectId } from './ids.js';

describe('page cursors', () => {
  it('round-trip the position they were made from', () => {
    const cursor = encodeCursor({ t: 1700000000000, id: '65a1b2c3d4e5f60718293a4b' });
    expect(decodeCursor(cursor, 'before', { t: 'number', id: 'string' })).toEqual({ t: 1700000000000, id: '65a1b2c3d4e5f60718293a4b' });
  });

  it.each(['garbage', encodeCursor({ t: 'x' }), Buffer.from('[1,2]').toString('base64url')])(
    'reject %s with a 400 naming the parameter',
    (cursor) => {
      expect(() => decodeCursor(cursor, 'after', { t: 'number' })).toThrow(AppError);
      try {
        decodeCursor(cursor, 'after', { t: 'number' });
      } catch (error) {
        expect((error as AppError).details?.[0].field).toBe('after');
      }
    },
  );
});

describe('time cursors', () => {
  it('round-trip a time and an id', () => {
    const id = toObjectId('65a1b2c3d4e5f60718293a4b', 'id');
    const at = new Date('2026-11-30T01:02:03.456Z');
    const position = timePosition(timeCursor(at, id), 'before');
    expect(position.at.toISOString()).toBe(at.toISOString());
    expect(position.id.toHexString()).toBe(id.toHexString());
  });

  it.each([
    encodeCursor({ t: 1e20, id: '65a1b2c3d4e5f60718293a4b' }),
    encodeCursor({ t: -1, id: '65a1b2c3d4e5f60718293a4b' }),
    encodeCursor({ t: 1.5, id: '65a1b2c3d4e5f60718293a4b' }),
    encodeCursor({ t: 1, id: 'nope' }),
    encodeCursor({ s: 1 }),
  ])(
    'refuses a tampered one with a 400 naming the field (%s)',
    (cursor) => {
      expect(() => timePosition(cursor, 'after')).toThrow(AppError);
      try {
        timePosition(cursor, 'after');
      } catch (error) {
        expect((error as AppError).statusCode).toBe(400);
        expect((error as AppError).details?.[0].field).toBe('after');
      }
    },
  );
});

describe('toObjectId', () => {
  it('accepts a 24-hex-digit id and refuses anything else with a 400 naming the field', () => {
    expect(toObjectId('65a1b2c3d4e5f60718293a4b', 'id').toHexString()).toBe('65a1b2c3d4e5f60718293a4b');
    for (const bad of ['123', 'zzzzzzzzzzzzzzzzzzzzzzzz', 'abcdefghijkl']) {
      expect(() => toObjectId(bad, 'member')).toThrow(/member must be a valid id/);
    }
  });
});

describe('cutting a page', () => {
  const cut = (found: number[], from: 'start' | 'before' | 'after') => cutPage(found, { limit: 2, from }, String, (item) => item);

  it('from the start gives the first items and a next cursor only when more follow', () => {
    expect(cut([1, 2, 3], 'start')).toEqual({ data: [1, 2], next: '2', previous: null });
    expect(cut([1, 2], 'start')).toEqual({ data: [1, 2], next: null, previous: null });
  });

  it('going on from a before cursor can always go back', () => {
    expect(cut([3, 4, 5], 'before')).toEqual({ data: [3, 4], next: '4', previous: '3' });
    expect(cut([5], 'before')).toEqual({ data: [5], next: null, previous: '5' });
  });

  it('going back from an after cursor turns the items read outward into list order', () => {
    expect(cut([4, 3, 2], 'after')).toEqual({ data: [3, 4], next: '4', previous: '3' });
    expect(cut([2, 1], 'after')).toEqual({ data: [1, 2], next: '2', previous: null });
  });

  it('gives an empty page no cursors', () => {
    expect(cut([], 'before')).toEqual({ data: [], next: null, previous: null });
  });
});

describe('onePosition', () => {
  it('accepts at most one starting point and names the second one given, with a 422', () => {
    expect(() => onePosition({ before: undefined, after: 'a' })).not.toThrow();
    try {
      onePosition({ before: 'b', after: undefined, after_seq: 3 });
      throw new Error('expected a 422');
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).statusCode).toBe(422);
      expect((error as AppError).details?.[0].field).toBe('after_seq');
    }
  });
});

describe('forwardPage', () => {
  it('gives the first limit items and the cursor of the last when more follow; previous is always null', () => {
    const cursorOf = (item: number) => `c${item}`;
    expect(forwardPage([1, 2, 3], 2, cursorOf, (item) => item * 10)).toEqual({ data: [10, 20], next: 'c2', previous: null });
    expect(forwardPage([1, 2], 2, cursorOf, (item) => item)).toEqual({ data: [1, 2], next: null, previous: null });
    expect(forwardPage([], 2, cursorOf, (item) => item)).toEqual({ data: [], next: null, previous: null });
  });
});
