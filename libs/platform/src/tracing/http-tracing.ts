import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import { CORRELATION_ID_HEADER } from '@parley/contracts';
import { contextFromHeaders } from './trace-headers.js';

/** Probes and scrapes come every few seconds from machines: spans of them would bury the requests. */
const UNTRACED_PATHS = new Set(['/health', '/metrics']);

type RoutedRequest = IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };

/**
 * An Express middleware that gives every HTTP request a server span, continuing the caller's trace
 * when it sends a `traceparent`. The span is named by the route pattern once routing has matched
 * (`POST /v1/rooms/:id/messages`, never the ids) and ends when the response is sent.
 */
export function traceHttpRequests(tracer: Tracer) {
  return (request: RoutedRequest, response: ServerResponse, next: () => void): void => {
    const path = (request.url ?? '/').split('?')[0];
    if (UNTRACED_PATHS.has(path)) return next();
    const method = request.method ?? 'GET';
    const span = tracer.startSpan(
      method,
      { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_URL_PATH]: path } },
      contextFromHeaders(request.headers),
    );
    const active = trace.setSpan(context.active(), span);
    // Body parsers continue the request from the socket's events: bound, their callbacks (and so
    // the guards and handlers after them) run with this span active.
    context.bind(active, request);
    context.bind(active, response);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const route = request.route ? `${request.baseUrl ?? ''}${String(request.route.path)}` : undefined;
      if (route) {
        span.updateName(`${method} ${route}`);
        span.setAttribute(ATTR_HTTP_ROUTE, route);
      }
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.statusCode);
      const correlationId = response.getHeader(CORRELATION_ID_HEADER);
      if (correlationId !== undefined) span.setAttribute('parley.correlation_id', String(correlationId));
      if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    response.once('finish', end);
    response.once('close', end);
    context.with(active, next);
  };
}
