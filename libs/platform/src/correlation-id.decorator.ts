import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** The correlation id of the HTTP request being handled (set by the logger from x-correlation-id). */
export const CorrelationId = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  return String(context.switchToHttp().getRequest<{ id?: unknown }>().id ?? '');
});
