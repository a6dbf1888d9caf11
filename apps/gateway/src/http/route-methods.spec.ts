import { describe, expect, it } from '@jest/globals';
import type { OpenAPIObject } from '@nestjs/swagger';
import { RouteMethods } from './route-methods.js';

const document = {
  openapi: '3.0.0',
  info: { title: 't', version: '1' },
  paths: {
    '/v1/rooms': { get: {}, post: { requestBody: { content: { 'application/json': {} } } } },
    '/webhooks/twilio/sms': { post: { requestBody: { content: { 'application/x-www-form-urlencoded': {} } } } },
    '/v1/rooms/{id}': { get: {}, patch: {}, delete: {} },
    '/v1/rooms/{id}/messages': { get: {}, post: {} },
    '/v1/messages/favorites': { get: {} },
    '/v1/messages/{id}': { patch: {}, delete: {} },
  },
} as unknown as OpenAPIObject;

describe('RouteMethods', () => {
  it('names the methods of a path, path parameters matched, HEAD with GET', () => {
    const routes = new RouteMethods();
    routes.learn(document);
    expect(routes.of('/v1/rooms')).toEqual(['GET', 'POST', 'HEAD']);
    expect(routes.of('/v1/rooms/abc')).toEqual(['GET', 'PATCH', 'DELETE', 'HEAD']);
    expect(routes.of('/v1/rooms/abc/messages/')).toEqual(['GET', 'POST', 'HEAD']);
  });

  it('gives a path matched by a route with fewer parameters only that route\'s methods, as OpenAPI does', () => {
    const routes = new RouteMethods();
    routes.learn(document);
    expect(routes.of('/v1/messages/favorites')).toEqual(['GET', 'HEAD']);
    expect(routes.of('/v1/messages/abc')).toEqual(['PATCH', 'DELETE']);
  });

  it('names the media types an operation takes a body in, and none for an operation without a body', () => {
    const routes = new RouteMethods();
    routes.learn(document);
    expect(routes.bodyTypesOf('POST', '/v1/rooms')).toEqual(['application/json']);
    expect(routes.bodyTypesOf('POST', '/webhooks/twilio/sms')).toEqual(['application/x-www-form-urlencoded']);
    expect(routes.bodyTypesOf('GET', '/v1/rooms')).toBeNull();
    expect(routes.bodyTypesOf('POST', '/v1/nowhere')).toBeNull();
  });

  it('names the document path a request path is served at', () => {
    const routes = new RouteMethods();
    routes.learn(document);
    expect(routes.pathOf('/v1/rooms/abc/messages')).toBe('/v1/rooms/{id}/messages');
    expect(routes.pathOf('/v1/messages/favorites')).toBe('/v1/messages/favorites');
    expect(routes.pathOf('/v1/nowhere')).toBeNull();
  });

  it('knows nothing of a path the document does not have', () => {
    const routes = new RouteMethods();
    routes.learn(document);
    expect(routes.of('/v1/nowhere')).toBeNull();
    expect(routes.of('/v1/rooms/a/b/c')).toBeNull();
  });
});
