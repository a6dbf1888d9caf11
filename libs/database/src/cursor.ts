import { AppError } from '@parley/contracts';

/** Makes an opaque page cursor from the sort key of the item a page ends on. */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** Reads a cursor made by encodeCursor; a tampered or foreign one is a 400 naming the field. */
export function decodeCursor<T extends Record<string, string | number>>(
  cursor: string,
  field: string,
  shape: { [K in keyof T]: 'string' | 'number' },
): T {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object') {
      const entries = Object.entries(shape) as [keyof T, 'string' | 'number'][];
      if (entries.every(([key, type]) => typeof (parsed as T)[key] === type)) return parsed as T;
    }
  } catch {
    // falls through to the 400 below
  }
  throw AppError.badRequest(field, `${field} is not a valid cursor`);
}
