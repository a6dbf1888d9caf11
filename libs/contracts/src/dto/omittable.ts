import { ValidateIf } from 'class-validator';

/**
 * A body field that may be left out. Unlike class-validator's IsOptional, a null is not taken for
 * absent: it is a value, checked like any other (and refused unless the field allows null), as the
 * OpenAPI document says, which marks the fields that may be null as nullable.
 */
export function Omittable(): PropertyDecorator {
  return ValidateIf((_object: unknown, value: unknown) => value !== undefined);
}
