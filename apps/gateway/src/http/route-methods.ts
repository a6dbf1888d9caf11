import type { OpenAPIObject } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { AppError, ErrorCodes } from '@parley/contracts';

/**
 * The methods each API path is served with, read from the OpenAPI document the gateway publishes
 * (so it always matches the routes): for a 405 with `Allow` when a path is right but the method is not.
 */
export class RouteMethods {
  private routes: { path: string; pattern: RegExp; parameters: number; methods: string[] }[] = [];

  /** Learns the routes of the document (call once it is built). */
  learn(document: OpenAPIObject): void {
    this.routes = Object.entries(document.paths).map(([path, item]) => {
      const methods = Object.keys(item)
        .filter((key) => ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(key))
        .map((method) => method.toUpperCase());
      // A GET route answers HEAD too (Express does).
      if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD');
      const pattern = new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}/]+\}/g, '[^/]+')}/?$`);
      return { path, pattern, parameters: (path.match(/\{[^}/]+\}/g) ?? []).length, methods };
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

  private routesOf(path: string): { path: string; methods: string[] }[] {
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
