import { Injectable, type PipeTransform } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { AppError, ID_SCHEMA, isId } from '@parley/contracts';

/** Validates an id in the path (ID_PATTERN: 24 hex digits); a malformed one is a 400 naming the parameter. */
@Injectable()
export class IdParamPipe implements PipeTransform<string, string> {
  constructor(private readonly field: string) {}

  transform(value: string): string {
    if (!isId(value)) throw AppError.badRequest(this.field, `${this.field} must be a valid id`);
    return value.toLowerCase();
  }
}

/** Documents an id path parameter with the pattern IdParamPipe checks it against. */
export function ApiIdParam(name: string, description: string): MethodDecorator {
  return ApiParam({ name, description, schema: { ...ID_SCHEMA } });
}
