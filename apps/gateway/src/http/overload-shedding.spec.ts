import { describe, expect, it } from '@jest/globals';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { firstValueFrom, of, throwError } from 'rxjs';
import { CapacityRefusal, type CommandClient } from '@parley/kafka';
import { OverloadShedding } from './overload-shedding.js';
import { RouteMethods } from './route-methods.js';

const document = {
  openapi: '3.0.0',
  info: { title: 't', version: '1' },
  paths: { '/v1/rooms/{id}/messages': { get: {}, post: {} }, '/v1/rooms/{id}': { get: {} } },
} as unknown as OpenAPIObject;

/** A shedding in front of a command client whose apps in `refusing` refuse at once. */
function harness(refusing: Set<string>) {
  const routes = new RouteMethods();
  routes.learn(document);
  const commands = { refusalNow: (topic: string) => (refusing.has(topic) ? new CapacityRefusal(topic, 16) : null) } as unknown as CommandClient;
  const shedding = new OverloadShedding(commands, routes);
  const middleware = shedding.middleware();
  /** What the middleware passed on for a request: undefined (go on) or the refusal. */
  const atTheDoor = (method: string, path: string) => {
    const response = { locals: {} } as Response;
    let passed: unknown = 'not called';
    middleware({ method, path } as Request, response, (error?: unknown) => (passed = error));
    return { passed, route: response.locals.route as string | undefined };
  };
  /** A request of the route refused late, in the command client, as the interceptor sees it. */
  const refusedLate = async (method: string, path: string, topic: string) => {
    const context = { switchToHttp: () => ({ getRequest: () => ({ method, path }) }) } as unknown as ExecutionContext;
    const next: CallHandler = { handle: () => throwError(() => new CapacityRefusal(topic, 16)) };
    await expect(firstValueFrom(shedding.intercept(context, next))).rejects.toBeInstanceOf(CapacityRefusal);
  };
  return { atTheDoor, refusedLate, shedding };
}

describe('OverloadShedding', () => {
  it('lets every request in until a route has been refused late', () => {
    const { atTheDoor } = harness(new Set(['messaging.commands']));
    expect(atTheDoor('POST', '/v1/rooms/r1/messages').passed).toBeUndefined();
  });

  it('refuses at the door a request of a route whose app refuses now, once that route was refused late', async () => {
    const { atTheDoor, refusedLate } = harness(new Set(['messaging.commands']));
    await refusedLate('POST', '/v1/rooms/r1/messages', 'messaging.commands');
    const { passed, route } = atTheDoor('POST', '/v1/rooms/r2/messages');
    expect(passed).toBeInstanceOf(CapacityRefusal);
    expect(passed).toMatchObject({ statusCode: 503, retryAfterSeconds: 1, topic: 'messaging.commands' });
    expect(route).toBe('/v1/rooms/:id/messages');
  });

  it('lets in requests of other routes and methods, and of a route whose app has room again', async () => {
    const refusing = new Set(['messaging.commands']);
    const { atTheDoor, refusedLate } = harness(refusing);
    await refusedLate('POST', '/v1/rooms/r1/messages', 'messaging.commands');
    expect(atTheDoor('GET', '/v1/rooms/r1/messages').passed).toBeUndefined();
    expect(atTheDoor('GET', '/v1/rooms/r1').passed).toBeUndefined();
    expect(atTheDoor('GET', '/elsewhere').passed).toBeUndefined();
    refusing.clear();
    expect(atTheDoor('POST', '/v1/rooms/r1/messages').passed).toBeUndefined();
  });

  it('passes answers and other errors through untouched and learns nothing from them', async () => {
    const { atTheDoor, shedding } = harness(new Set(['messaging.commands']));
    const request = { switchToHttp: () => ({ getRequest: () => ({ method: 'POST', path: '/v1/rooms/r1/messages' }) }) } as unknown as ExecutionContext;
    expect(await firstValueFrom(shedding.intercept(request, { handle: () => of('answer') }))).toBe('answer');
    const other = new Error('boom');
    await expect(firstValueFrom(shedding.intercept(request, { handle: () => throwError(() => other) }))).rejects.toBe(other);
    expect(atTheDoor('POST', '/v1/rooms/r1/messages').passed).toBeUndefined();
  });
});
