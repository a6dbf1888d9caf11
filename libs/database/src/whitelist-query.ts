import { AppError, isCalendarTime } from '@parley/contracts';
import { toObjectId } from './ids.js';

/** How one field of a public object maps onto a stored one: its path, and how a value is checked and cast. */
export interface QueryField {
  path: string;
  /** The stored value of one given value; throws a 400 naming `field` when it does not fit. */
  cast: (value: unknown, field: string) => unknown;
}

/** The casts of query and update values, each a 400 naming the field when the value does not fit. */
export const QueryCasts = {
  objectId: ((value, field) => toObjectId(typeof value === 'string' ? value : '', field)) as QueryField['cast'],
  text: ((value, field) => {
    if (typeof value !== 'string') throw AppError.badRequest(field, `${field} must be text`);
    return value;
  }) as QueryField['cast'],
  flag: ((value, field) => {
    if (typeof value !== 'boolean') throw AppError.badRequest(field, `${field} must be true or false`);
    return value;
  }) as (value: unknown, field: string) => boolean,
  time: ((value, field) => {
    // RFC 3339 on a real day only, as the document says: Date alone would also read "1" or "June 2020"
    // as times, and roll 30 February on to March.
    const at = isCalendarTime(value) ? new Date(value) : null;
    if (!at || Number.isNaN(at.getTime())) throw AppError.badRequest(field, `${field} must be an RFC 3339 time on a real day, such as 2030-01-01T09:00:00Z`);
    return at;
  }) as (value: unknown, field: string) => Date,
};

/**
 * A MongoDB filter from a client's query, as a whitelist: only the fields given, each by equality
 * or `{ $in: [...] }`. Any operator (`$where`, `$expr`, `$regex`, `$or`, ...) or unknown field is a
 * 400 naming it, so no query reaches past its fields (the caller adds the account itself).
 */
export function whitelistQuery(query: Record<string, unknown>, fields: Record<string, QueryField>, name = 'query'): Record<string, unknown> {
  const keys = Object.keys(query);
  if (keys.length === 0) throw AppError.badRequest(name, `${name} must not be empty`);
  const filter: Record<string, unknown> = {};
  for (const key of keys) {
    const field = `${name}.${key}`;
    const spec = fields[key];
    if (!spec) throw AppError.badRequest(field, key.startsWith('$') ? `${field}: operators are not allowed` : `${field} is not a field that can be queried`);
    const value = query[key];
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) {
      const operators = Object.keys(value);
      if (operators.length !== 1 || operators[0] !== '$in' || !Array.isArray((value as { $in: unknown }).$in)) {
        throw AppError.badRequest(field, `${field}: only a value or { $in: [values] } is allowed`);
      }
      filter[spec.path] = { $in: (value as { $in: unknown[] }).$in.map((item) => spec.cast(item, field)) };
    } else {
      filter[spec.path] = spec.cast(value, field);
    }
  }
  return filter;
}
