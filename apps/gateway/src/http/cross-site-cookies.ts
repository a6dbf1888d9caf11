import type { NextFunction, Request, Response } from 'express';
import { AppError } from '@parley/contracts';

/** Methods that change nothing: a cross-site page may make them (CORS keeps their answers from it). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The host (and port) of an Origin header, or null when it is not a URL (`null`, from a sandboxed page). */
export function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/**
 * Whether a request comes from a page of the gateway's own host (the console). By host: behind a
 * TLS proxy the page is https while the request reaching here is http.
 */
export function fromOwnPage(request: Request, origin: string): boolean {
  return hostOf(origin) === request.get('host');
}

/**
 * Refuses (403) a state-changing request that authenticates by the `access_token` cookie from a page
 * of another site. A browser sends the cookie with a form post or a fetch from any site, and CORS
 * only keeps that site from reading the answer, not the request from acting: a POST without a body
 * (resolve a support room, replay a dead letter) needs no preflight. Such requests must come from the
 * gateway's own pages or an origin CORS_ORIGINS lists (`*` lists none). A request with a Bearer
 * token is not authenticated by the cookie; one without an Origin is not a cross-site browser's.
 */
export function refuseCrossSiteCookieWrites(corsOrigins: string) {
  const listed = corsOrigins.trim() === '*' ? new Set<string>() : new Set(corsOrigins.split(',').map((origin) => origin.trim()));
  return (request: Request & { cookies?: Record<string, string> }, _response: Response, next: NextFunction): void => {
    const origin = request.get('origin');
    if (SAFE_METHODS.has(request.method) || !request.cookies?.access_token || request.headers.authorization || origin === undefined) return next();
    if (listed.has(origin) || fromOwnPage(request, origin)) return next();
    next(AppError.forbidden(`The access_token cookie does not authenticate a ${request.method} from a page of ${origin}: send the token as Authorization: Bearer, or list the origin in CORS_ORIGINS`));
  };
}
