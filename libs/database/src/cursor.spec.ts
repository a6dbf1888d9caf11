import { describe, expect, it } from '@jest/globals';
import { AppError } from '@parley/contracts';
import { decodeCursor, encodeCursor } from './cursor.js';
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

describe('toObjectId', () => {
  it('accepts a 24-hex-digit id and refuses anything else with a 400 naming the field', () => {
    expect(toObjectId('65a1b2c3d4e5f60718293a4b', 'id').toHexString()).toBe('65a1b2c3d4e5f60718293a4b');
    for (const bad of ['123', 'zzzzzzzzzzzzzzzzzzzzzzzz', 'abcdefghijkl']) {
      expect(() => toObjectId(bad, 'member')).toThrow(/member must be a valid id/);
    }
  });
});
