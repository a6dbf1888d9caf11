import { describe, expect, it } from '@jest/globals';
import type { OpenAPIObject } from '@nestjs/swagger';
import { describeConfiguredLimits, describeGlobalBehaviour, describePlatformRoutes } from './global-behaviour.js';

function documentOf(): OpenAPIObject {
  return {
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths: {
      '/v1/rooms': { get: { responses: { '200': { description: 'ok' } } } },
      '/webhooks/twilio/sms': { post: { responses: { '200': { description: 'ok' } } } },
    },
    components: {
      schemas: {
        CreateMessageDto: { type: 'object', properties: { content: { type: 'string' } } },
        M2mCreateBody: { type: 'object', properties: { data: { type: 'object' } }, additionalProperties: true },
        AttachmentDto: { type: 'object', properties: { size: { type: 'integer' } } },
      },
    },
  } as unknown as OpenAPIObject;
}

describe('describeGlobalBehaviour', () => {
  it('closes every object schema to unknown fields, as the validation pipe does, unless one says otherwise', () => {
    const schemas = describeGlobalBehaviour(documentOf()).components!.schemas as Record<string, { additionalProperties?: unknown }>;
    expect(schemas.CreateMessageDto.additionalProperties).toBe(false);
    expect(schemas.M2mCreateBody.additionalProperties).toBe(true);
  });

  it('gives every operation but the webhooks a 429, as the rate limit counts every request but theirs', () => {
    const paths = describeGlobalBehaviour(documentOf()).paths;
    expect(Object.keys(paths['/v1/rooms'].get!.responses)).toEqual(['200', '429']);
    expect(Object.keys(paths['/webhooks/twilio/sms'].post!.responses)).toEqual(['200']);
  });
});

describe('describeConfiguredLimits', () => {
  it('bounds an attachment size by ATTACHMENT_MAX_BYTES', () => {
    const schemas = describeConfiguredLimits(documentOf(), { attachmentMaxBytes: 1024 }).components!.schemas as Record<string, { properties: Record<string, { maximum?: number }> }>;
    expect(schemas.AttachmentDto.properties.size.maximum).toBe(1024);
  });

  it("describes the platform's /metrics, which carries no OpenAPI decorators, as Prometheus text under service", () => {
    const document = documentOf();
    document.paths['/metrics'] = { get: { operationId: 'MetricsController_metrics', responses: { '200': { description: '' } } } };
    const metrics = describePlatformRoutes(document, 'text/plain; version=0.0.4; charset=utf-8').paths['/metrics'].get!;
    expect(metrics.tags).toEqual(['service']);
    expect(metrics.responses['200']).toEqual({ description: 'The metrics', content: { 'text/plain': { schema: { type: 'string' } } } });
  });
});
