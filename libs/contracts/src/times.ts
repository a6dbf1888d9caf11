import { isRFC3339, ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Whether a text is an RFC 3339 time on a day that exists. isRFC3339 alone checks the shape, so
 * `2030-02-30T00:00:00Z` passed and Date rolled it on to 2 March.
 */
export function isCalendarTime(value: unknown): value is string {
  if (typeof value !== 'string' || !isRFC3339(value)) return false;
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  // setUTCFullYear, not Date.UTC, which reads years 0-99 as 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A body field that must be an RFC 3339 time on a day that exists (see isCalendarTime). */
export function IsCalendarTime(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isCalendarTime', validator: { validate: (value: unknown) => isCalendarTime(value) } }, options);
}
