import { applyDecorators, Injectable, UsePipes, type ArgumentMetadata, type PipeTransform, type Type } from '@nestjs/common';
import { ApiBody, ApiExtraModels, getSchemaPath } from '@nestjs/swagger';
import { AppError } from '@parley/contracts';

/** Refuses a body that sets none of its fields (no body at all included), naming `body`. Runs after validation. */
@Injectable()
class SomeFieldSetPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body') return value;
    const set = value && typeof value === 'object' ? Object.values(value).filter((field) => field !== undefined) : [];
    if (set.length === 0) throw AppError.badRequest('body', 'the body must set at least one field');
    return value;
  }
}

/**
 * A body whose fields are each optional but that must set at least one of them: a partial update,
 * or a choice of one field or another. A request that sets nothing is a client's mistake (a lost
 * body, a misspelt field), so it is a 400 rather than a 200 that did nothing; the document says so
 * with minProperties.
 */
export function NonEmptyBody(dto: Type<unknown>): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(dto),
    ApiBody({ required: true, schema: { allOf: [{ $ref: getSchemaPath(dto) }], minProperties: 1 } }),
    UsePipes(new SomeFieldSetPipe()),
  );
}
