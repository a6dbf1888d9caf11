import type { OpenAPIObject } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { AppError, ErrorCodes } from '@parley/contracts';

/**
 * The methods each API path is served with, read from the OpenAPI document the gateway publishes
 * (so it always matches the routes): for a 405 with `Allow` when a path is right but the method is not.
 */
export class RouteMethods {
  private routes: { path: string; pattern: RegExp; parameters: number; methods: string[]; bodies: Map<string, string[]> }[] = [];

  /** Learns the routes of the document (call once it is built). */
  learn(document: OpenAPIObject): void {
    this.routes = Object.entries(document.paths).map(([path, item]) => {
      const methods = Object.keys(item)
        .filter((key) => ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(key))
        .map((method) => method.toUpperCase());
      // A GET route answers HEAD too (Express does).
      if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD');
      const bodies = new Map<string, string[]>();
      for (const [method, operation] of Object.entries(item)) {
        const content = (operation as { requestBody?: { content?: Record<string, unknown> } } | undefined)?.requestBody?.content;
        if (content) bodies.set(method.toUpperCase(), Object.keys(content).map((type) => type.toLowerCase()));
      }
      const pattern = new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}/]+\}/g, '[^/]+')}/?$`);
      return { path, pattern, parameters: (path.match(/\{[^}/]+\}/g) ?? []).length, methods, bodies };
    });
  }

  /**
   * The methods a path is served with; null for an unknown path. As in OpenAPI, a path matched by
   * a route with fewer parameters is that route's: /v1/messages/favorites is not a message id.
   */
  of(path: string): string[] | null {
    const routes = this.routesOf(path);
    return routes.length === 0 ? null : [...new Set(routes.flatMap((route) => route.methods))];
  }

  /** The document's path a request path is served at (`/v1/rooms/{id}`), or null for an unknown path. */
  pathOf(path: string): string | null {
    return this.routesOf(path)[0]?.path ?? null;
  }

  /** The media types a route's body may have, as its document says; null when it takes no body (or the path is unknown). */
  bodyTypesOf(method: string, path: string): string[] | null {
    for (const route of this.routesOf(path)) {
      const types = route.bodies.get(method);
      if (types) return types;
    }
    return null;
  }

  private routesOf(path: string): { path: string; methods: string[]; bodies: Map<string, string[]> }[] {
    const matching = this.routes.filter((route) => route.pattern.test(path));
    if (matching.length === 0) return [];
    const fewest = Math.min(...matching.map((route) => route.parameters));
    return matching.filter((route) => route.parameters === fewest);
  }
}

/**
 * Answers a method the path is not served with by 405 and `Allow` before routing: Express would
 * otherwise hand PATCH /v1/messages/favorites to PATCH /v1/messages/:id, a 400 about an id. CORS
 * preflights (OPTIONS) and paths the document does not have (the console) go on as they are.
 */
export function refuseUnservedMethods(routes: RouteMethods) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const allowed = request.method === 'OPTIONS' ? null : routes.of(request.path);
    if (!allowed || allowed.includes(request.method)) return next();
    response.setHeader('Allow', allowed.join(', '));
    next(new AppError(ErrorCodes.MethodNotAllowed, 405, `${request.method} is not served at ${request.path}; it takes ${allowed.join(', ')}`));
  };
}

/**
 * Answers a body the route does not take by 415 naming `content-type`, before any parser reads it:
 * `curl -d '{...}'` sends JSON labelled as a form, which would otherwise reach validation as one
 * odd field and come back as a 400 about every field but the real mistake.
 */
export function refuseUnsupportedBodies(routes: RouteMethods) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const sent = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
    const accepted = sent ? routes.bodyTypesOf(request.method, request.path) : null;
    if (!accepted) return next();
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const json = accepted.includes('application/json') && /^application\/([\w.-]+\+)?json$/.test(type);
    if (json || accepted.includes(type)) return next();
    next(AppError.unsupportedMediaType('content-type', `${type ? `Content-Type ${type}` : 'A body without a Content-Type'} is not taken here; send ${accepted.join(' or ')}`));
  };
}
