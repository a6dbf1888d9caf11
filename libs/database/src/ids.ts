import { Types } from 'mongoose';
import { AppError } from '@parley/contracts';

/** Parses a client-supplied id; a malformed one is a 400 naming the field. */
export function toObjectId(value: string, field: string): Types.ObjectId {
  if (typeof value !== 'string' || !Types.ObjectId.isValid(value) || !/^[0-9a-f]{24}$/i.test(value)) {
    throw AppError.badRequest(field, `${field} must be a valid id`);
  }
  return new Types.ObjectId(value);
}
