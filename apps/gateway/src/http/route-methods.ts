import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * The methods each API path is served with, read from the OpenAPI document the gateway publishes
 * (so it always matches the routes): for a 405 with `Allow` when a path is right but the method is not.
 */
export class RouteMethods {
  private routes: { pattern: RegExp; methods: string[] }[] = [];

  /** Learns the routes of the document (call once it is built). */
  learn(document: OpenAPIObject): void {
    this.routes = Object.entries(document.paths).map(([path, item]) => {
      const methods = Object.keys(item)
        .filter((key) => ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(key))
        .map((method) => method.toUpperCase());
      // A GET route answers HEAD too (Express does).
      if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD');
      const pattern = new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}/]+\}/g, '[^/]+')}/?$`);
      return { pattern, methods };
    });
  }

  /** The methods a path is served with, every route that matches it together; null for an unknown path. */
  of(path: string): string[] | null {
    const matching = this.routes.filter((route) => route.pattern.test(path));
    if (matching.length === 0) return null;
    return [...new Set(matching.flatMap((route) => route.methods))];
  }
}
