import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath, type ResponseObject } from '@nestjs/swagger';
import { ErrorBodySchema } from '@parley/contracts/http';

/** Seconds to wait before a retry: sent with every 429, and with 503 and 504 when a retry may work. */
const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 0 } } };

/** What each error means across the API; an operation names which it can give, the meaning stays one. */
const ERRORS = {
  400: { description: 'The request breaks this document: a parameter, field or the body is missing or malformed (each named in details)' },
  401: { description: 'No valid access token (Authorization: Bearer, the access_token cookie or query parameter)' },
  403: { description: 'The token lacks a scope this needs, or the caller may not do this to this resource' },
  404: { description: 'What the path names is not in the caller\'s account' },
  409: { description: 'The current state of the resource does not allow this' },
  413: { description: 'The body, or a size or count it declares, is over a limit (the field is named when it is one)' },
  415: { description: 'A media type is refused (the field is named)' },
  422: {
    description:
      'Well formed, but not something that can be done: a field or query parameter names what is not in the caller\'s account, a time already past, a rule of the account (the field is named)',
  },
  429: { description: 'Too many requests; Retry-After says when to try again', headers: RETRY_AFTER },
  503: { description: 'Parley cannot take the request now (at capacity, or a dependency is away); Retry-After says when to try again', headers: RETRY_AFTER },
  504: { description: 'An app behind the gateway did not answer in time; the request may or may not have taken effect', headers: RETRY_AFTER },
} as const;

export type ErrorStatus = keyof typeof ERRORS;

/** The response object of an error status: its meaning, Retry-After where it is sent, the one error body. */
export function errorResponse(status: ErrorStatus): ResponseObject {
  return { ...ERRORS[status], content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorBodySchema) } } } };
}

/**
 * The errors an operation (or, on a controller, each of its operations) can answer, each with the
 * one error body. Statuses an operation can give and does not declare fail the contract test.
 */
export function ApiErrors(...statuses: ErrorStatus[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ErrorBodySchema),
    ...statuses.map((status) => ApiResponse({ status, ...errorResponse(status) })),
  ) as MethodDecorator & ClassDecorator;
}
