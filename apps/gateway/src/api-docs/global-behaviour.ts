import type { OpenAPIObject, OperationObject, PathItemObject, SchemaObject } from '@nestjs/swagger';
import { errorResponse } from './api-errors.decorator.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/**
 * Writes into the document what the gateway enforces for every route rather than route by route,
 * so that no decorator can forget it:
 * - the validation pipe refuses unknown fields in every body, nested objects included, and the
 *   views answered are exactly their interfaces: so every object schema says
 *   `additionalProperties: false` (unless it says otherwise itself);
 * - the rate limit interceptor counts every request but the providers' webhooks, so every other
 *   operation can answer 429;
 * - a body in a media type the operation does not take is refused (refuseUnsupportedBodies), so
 *   every operation with a body can answer 415;
 * - the validation pipe refuses a body string that is no text (a NUL, half a surrogate pair) with a
 *   422 wherever it stands in the body, so every operation with a body can answer 422.
 */
export function describeGlobalBehaviour(document: OpenAPIObject): OpenAPIObject {
  for (const schema of Object.values(document.components?.schemas ?? {}) as SchemaObject[]) {
    if (schema.properties && schema.additionalProperties === undefined) schema.additionalProperties = false;
  }
  for (const [path, item] of Object.entries(document.paths) as [string, PathItemObject][]) {
    for (const method of METHODS) {
      const operation: OperationObject | undefined = item[method];
      if (!operation) continue;
      if (operation.requestBody && !operation.responses['415']) operation.responses['415'] = errorResponse(415);
      if (operation.requestBody && !operation.responses['422']) operation.responses['422'] = errorResponse(422);
      if (path.startsWith('/webhooks/') || operation.responses['429']) continue;
      operation.responses['429'] = errorResponse(429);
    }
  }
  return document;
}

/**
 * Describes the routes the platform serves in every app (`GET /metrics`), whose controllers carry no
 * OpenAPI decorators: only the gateway builds a document, and the other apps need not load
 * @nestjs/swagger for them.
 */
export function describePlatformRoutes(document: OpenAPIObject, metricsContentType: string): OpenAPIObject {
  const metrics: OperationObject | undefined = document.paths['/metrics']?.get;
  if (metrics) {
    metrics.summary = "The process's metrics, in Prometheus's text format";
    metrics.tags = ['service'];
    metrics.responses['200'] = { description: 'The metrics', content: { [metricsContentType.split(';')[0]]: { schema: { type: 'string' } } } };
  }
  return document;
}

/**
 * Writes the limits that come from configuration into the schemas they bound, where a decorator,
 * evaluated before any configuration is read, cannot: an attachment's declared size over
 * ATTACHMENT_MAX_BYTES is a 413.
 */
export function describeConfiguredLimits(document: OpenAPIObject, limits: { attachmentMaxBytes: number }): OpenAPIObject {
  const schemas = (document.components?.schemas ?? {}) as Record<string, SchemaObject>;
  for (const name of ['AttachmentDto', 'CreateAttachmentUploadDto']) {
    const size = schemas[name]?.properties?.size as SchemaObject | undefined;
    if (size) size.maximum = limits.attachmentMaxBytes;
  }
  return document;
}
