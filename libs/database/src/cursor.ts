import { AppError, type Page } from '@parley/contracts';
import type { Types } from 'mongoose';
import { toObjectId } from './ids.js';

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

/** A position in a list ordered by a time, ties broken by id: what a time cursor holds. */
export interface TimePosition {
  at: Date;
  id: Types.ObjectId;
}

/** The cursor of an item of a list ordered by a time (sent, favorited, pinned, due), ties broken by its id. */
export function timeCursor(at: Date, id: Types.ObjectId): string {
  return encodeCursor({ t: at.getTime(), id: id.toHexString() });
}

/** Reads a cursor made by timeCursor; a tampered or foreign one is a 400 naming the field. */
export function timePosition(cursor: string, field: string): TimePosition {
  const decoded = decodeCursor<{ t: number; id: string }>(cursor, field, { t: 'number', id: 'string' });
  const at = new Date(decoded.t);
  // A time this cursor could have been made from: a whole number of milliseconds, not before 1970.
  if (!Number.isSafeInteger(decoded.t) || decoded.t < 0 || Number.isNaN(at.getTime())) throw AppError.badRequest(field, `${field} is not a valid cursor`);
  return { at, id: toObjectId(decoded.id, field) };
}

/**
 * Refuses a list query that names more than one starting point (`before` with `after`), naming the
 * second one: a 422, as each is a well-formed parameter of the document (which cannot say "at most
 * one of these").
 */
export function onePosition(given: Record<string, unknown>): void {
  const named = Object.entries(given).filter(([, value]) => value !== undefined).map(([field]) => field);
  if (named.length > 1) throw AppError.unprocessable(named[1], `${named[1]} cannot be combined with ${named[0]}`);
}

/**
 * Cuts one page of a list paged one way (a `cursor` that is the `next` of the page before):
 * `found` holds up to `limit + 1` items from the cursor on, the extra one says more follow.
 */
export function forwardPage<T, V>(found: T[], limit: number, cursorOf: (item: T) => string, view: (item: T) => V): Page<V> {
  const items = found.slice(0, limit);
  const last = items[items.length - 1];
  return { data: items.map(view), next: found.length > limit && last !== undefined ? cursorOf(last) : null, previous: null };
}

/**
 * Cuts one page of a list paged by `before` and `after` cursors. `found` holds up to `limit + 1`
 * items read outward from the cursor: in list order for a `before` cursor (or none), in reverse for
 * an `after` cursor; the extra item says more lie that way. The page comes back in list order with
 * the cursors of its ends: `next` (pass as `before`) goes on, `previous` (pass as `after`) goes back.
 */
export function cutPage<T, V>(
  found: T[],
  { limit, from }: { limit: number; from: 'start' | 'before' | 'after' },
  cursorOf: (item: T) => string,
  view: (item: T) => V,
): Page<V> {
  const more = found.length > limit;
  const back = from === 'after';
  const items = back ? found.slice(0, limit).reverse() : found.slice(0, limit);
  const first = items[0];
  const last = items[items.length - 1];
  return {
    data: items.map(view),
    next: last !== undefined && (back || more) ? cursorOf(last) : null,
    previous: first !== undefined && (from === 'before' || (back && more)) ? cursorOf(first) : null,
  };
}
