import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse } from '@nestjs/swagger';
import { pageOf } from '@parley/contracts/http';

/** A 200 answering a page of `item`: `{ data, next, previous }`. */
export function ApiOkPage(item: Type<unknown>, description: string): MethodDecorator {
  return applyDecorators(ApiExtraModels(item), ApiOkResponse({ description, schema: pageOf(item) }));
}
