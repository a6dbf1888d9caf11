import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse } from '@nestjs/swagger';
import { pageOf, type Paging } from '@parley/contracts/http';

/** A 200 answering a page of `item`: `{ data, next, previous }`, its cursors described as the list pages. */
export function ApiOkPage(item: Type<unknown>, description: string, paging: Paging = 'before-after'): MethodDecorator {
  return applyDecorators(ApiExtraModels(item), ApiOkResponse({ description, schema: pageOf(item, paging) }));
}
