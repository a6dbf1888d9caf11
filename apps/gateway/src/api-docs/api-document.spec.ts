import { describe, expect, it } from '@jest/globals';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { PinoLogger } from 'nestjs-pino';
import { ApiDocument } from './api-document.js';

const logger = { warn: () => undefined } as unknown as PinoLogger;

const document = {
  openapi: '3.0.0',
  info: { title: 'Parley API', version: '1' },
  paths: {
    '/v1/rooms': {
      post: {
        operationId: 'RoomsController_create',
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/AddMembersDto' } } } },
        responses: { '400': { description: 'Bad', content: { 'application/json': { schema: { $ref: '#/components/schemas/FieldError' } } } } },
      },
    },
  },
  components: {
    schemas: {
      AddMembersDto: { type: 'object', properties: { members: { type: 'array', items: { type: 'string', pattern: '^[0-9a-fA-F]{24}$' } } } },
      FieldError: { type: 'object', properties: { messages: { type: 'array', items: { type: 'string' } } } },
    },
  },
} as unknown as OpenAPIObject;

describe('ApiDocument', () => {
  it('makes the Postman collection without changing the document it serves', async () => {
    const served = structuredClone(document);
    const api = new ApiDocument(logger);
    api.set(served);
    const collection = JSON.parse(await api.postmanCollection('http://localhost:3005')) as { item: unknown[] };
    expect(collection.item.length).toBeGreaterThan(0);
    expect(served).toEqual(document);
  });

  it("declares baseUrl as the caller's origin and bearerToken empty, so an imported collection only needs a token", async () => {
    const api = new ApiDocument(logger);
    api.set(structuredClone(document));
    const text = await api.postmanCollection('https://chat.example.com');
    const collection = JSON.parse(text) as { variable: { key: string; value: string }[] };
    expect(collection.variable.map(({ key, value }) => [key, value])).toEqual([
      ['baseUrl', 'https://chat.example.com'],
      ['bearerToken', ''],
    ]);
    expect(text).toContain('"host":["{{baseUrl}}"]');
    // Kept once, answered per caller: another origin gets its own.
    const other = JSON.parse(await api.postmanCollection('http://127.0.0.1:3005')) as { variable: { key: string; value: string }[] };
    expect(other.variable[0].value).toBe('http://127.0.0.1:3005');
  });

  it('answers a 503 until the document is built', async () => {
    await expect(new ApiDocument(logger).postmanCollection('http://localhost:3005')).rejects.toThrow('The API document is not built yet');
  });
});
