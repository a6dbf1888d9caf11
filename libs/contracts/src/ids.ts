import { Matches, type ValidationOptions } from 'class-validator';

/**
 * What every id of the API is: a MongoDB ObjectId, 24 hexadecimal digits. One pattern for the
 * OpenAPI document (path parameters, body and query fields) and for the checks at the edge, so a
 * client or a contract tester that follows the document never sends an id the API refuses as
 * malformed, and one that does not follow it is refused with a 400 naming the field.
 */
export const ID_PATTERN = '^[0-9a-fA-F]{24}$';
const ID = new RegExp(ID_PATTERN);

/** Whether a value is an id as ID_PATTERN says. */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID.test(value);
}

/** Validates an id field (with `each`, every item of an array) against ID_PATTERN. */
export function IsId(message: string, options: Pick<ValidationOptions, 'each'> = {}): PropertyDecorator {
  return Matches(ID, { ...options, message });
}

/** The schema of an id in the OpenAPI document. */
export const ID_SCHEMA = { type: 'string', pattern: ID_PATTERN } as const;
