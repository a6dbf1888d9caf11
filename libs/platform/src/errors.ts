import {
  Catch,
  HttpException,
  Logger,
  NotFoundException,
  ValidationPipe,
  type ArgumentMetadata,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import type { Request, Response } from 'express';
import { throwError, type Observable } from 'rxjs';
import {
  AppError,
  CORRELATION_ID_HEADER,
  ErrorCodes,
  isWholeText,
  statusText,
  type ErrorBody,
  type ErrorCode,
  type FieldError,
  type RpcErrorPayload,
} from '@parley/contracts';
import { correlationIdOf } from './logger.js';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: ErrorCodes.ValidationFailed,
  401: ErrorCodes.Unauthenticated,
  403: ErrorCodes.Forbidden,
  404: ErrorCodes.NotFound,
  405: ErrorCodes.MethodNotAllowed,
  409: ErrorCodes.Conflict,
  413: ErrorCodes.PayloadTooLarge,
  415: ErrorCodes.UnsupportedMediaType,
  429: ErrorCodes.RateLimited,
  503: ErrorCodes.Unavailable,
  504: ErrorCodes.UpstreamTimeout,
};

/**
 * The error body is JSON whatever the route answers on success: a route that set another type
 * beforehand (TwiML for Twilio's webhooks) must not label an error with it.
 */
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * The correlation id of a request refused before the logger's middleware gave it one (a body that
 * does not parse, a method the path does not take): taken or made as the logger would, and sent.
 */
function correlationIdBeforeLogging(request: Request & { id?: string }, response: Response): string {
  const id = correlationIdOf(request);
  request.id = id;
  if (!response.headersSent) response.setHeader(CORRELATION_ID_HEADER, id);
  return id;
}

/** Flattens class-validator's nested errors into one entry per offending field path. */
export function fieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

/**
 * How deep a body or query may nest. Parley's deepest request is a few levels; class-transformer
 * walks a body recursively before the unknown fields in it are refused, so a small body nested a few
 * thousand levels deep would overflow the stack (a 500) rather than be refused.
 */
export const MAX_NESTING_DEPTH = 32;

/** What is wrong with a request's input as a whole, before its fields are validated: where, and what. */
export interface InputProblem {
  /** The path of the offending value (`data.participantIds.1`). */
  path: string;
  problem: 'too-deep' | 'not-text' | 'not-allowed';
}

/** Keys that name an object's prototype machinery rather than data. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The first value nested deeper than `limit` in `value`, key that names prototype machinery
 * (`__proto__`), or (with `strings`) string that is no text; null if none. Walked without
 * recursion, so any depth is safe to look at.
 */
export function inputProblem(value: unknown, { limit = MAX_NESTING_DEPTH, strings = true } = {}): InputProblem | null {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop() as { value: unknown; path: string[] };
    if (typeof current === 'string') {
      if (strings && !isWholeText(current)) return { path: path.join('.'), problem: 'not-text' };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (path.length >= limit) return { path: path.join('.'), problem: 'too-deep' };
    // Pushed in reverse, so the first offending field in the body's own order is the one named.
    for (const [key, child] of Object.entries(current).reverse()) {
      // Never a field of a request: class-transformer skips them, so forbidNonWhitelisted never sees them.
      if (PROTOTYPE_KEYS.has(key)) return { path: [...path, key].join('.'), problem: 'not-allowed' };
      stack.push({ value: child, path: [...path, key] });
    }
  }
  return null;
}

/**
 * Nest's ValidationPipe, refusing first a body that is an array where an object is described (it
 * would otherwise validate each element as the object and answer a list of contradictions), a body
 * or query nested deeper than MAX_NESTING_DEPTH, and a body string that is no text (422, as content
 * that is no text is: stored, it would read back as another string, and two ids could become one).
 * Queries may carry any string: a search for a NUL finds nothing, which is its answer.
 */
class ObjectBodyValidationPipe extends ValidationPipe {
  /** Parameter types that describe no object (`@Body() events: unknown` is Object): left to their handler. */
  private static readonly NOT_DESCRIBED_TYPES: unknown[] = [Object, Array, String, Number, Boolean];

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const described = metadata.metatype !== undefined && !ObjectBodyValidationPipe.NOT_DESCRIBED_TYPES.includes(metadata.metatype);
    if (metadata.type === 'body' && Array.isArray(value) && described) {
      throw AppError.badRequest('body', 'the body must be a JSON object, not an array');
    }
    if ((metadata.type === 'body' || metadata.type === 'query') && described) {
      const found = inputProblem(value, { strings: metadata.type === 'body' });
      if (found?.problem === 'too-deep') {
        const field = found.path.split('.')[0];
        throw AppError.badRequest(field, `${field} nests deeper than ${MAX_NESTING_DEPTH} levels`);
      }
      if (found?.problem === 'not-text') throw AppError.unprocessable(found.path, `${found.path} holds a NUL or an unpaired surrogate (not text)`);
      if (found?.problem === 'not-allowed') throw AppError.badRequest(found.path, `${found.path} is not allowed`);
    }
    // A parameter given twice arrives as a list: no query parameter of Parley's is one.
    if (metadata.type === 'query' && described && value !== null && typeof value === 'object') {
      const repeated = Object.entries(value).find(([name, given]) => name !== 'access_token' && Array.isArray(given));
      if (repeated) throw AppError.badRequest(repeated[0], `${repeated[0]} must be given once`);
    }
    // The token may come as the access_token query parameter on any route (authentication has taken
    // it by now): it is none of the route's own parameters.
    if (metadata.type === 'query' && described && value !== null && typeof value === 'object' && 'access_token' in value) {
      const { access_token: _token, ...parameters } = value as Record<string, unknown>;
      return super.transform(parameters, metadata);
    }
    return super.transform(value, metadata);
  }
}

/** The validation of every HTTP body and query: unknown fields are rejected, each bad field named. */
export function createValidationPipe(): ValidationPipe {
  return new ObjectBodyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const details = fieldErrors(errors).map((detail) => ({
        field: detail.field,
        messages: detail.messages.map((message) =>
          message.startsWith('property ') ? `${detail.field} is not allowed` : message,
        ),
      }));
      const summary = details.map((detail) => detail.messages.join(', ')).join('; ');
      return new AppError(ErrorCodes.ValidationFailed, 400, summary || 'Invalid request', details);
    },
  });
}

/** MongoDB's errors that mean "not reachable right now" (a restart, a failover, a dropped connection). */
const MONGO_UNAVAILABLE_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'MongoTopologyClosedError',
]);
/** Server codes of the same: host unreachable, shutdown, stepped down, not primary, interrupted by a state change. */
const MONGO_UNAVAILABLE_CODES = new Set([6, 7, 89, 91, 189, 9001, 10107, 11600, 11602, 13435, 13436]);

/**
 * A dependency that is down for a moment (MongoDB restarting, failing over, a connection cut): the
 * request can be retried, so it is a 503 with Retry-After, not a 500. Known by the driver's error
 * names, codes and labels, so the platform needs no MongoDB import.
 */
export function isDependencyUnavailable(exception: unknown): boolean {
  const error = exception as { name?: unknown; code?: unknown; message?: unknown; errorResponse?: unknown; hasErrorLabel?: (label: string) => boolean } | null;
  if (!error || typeof error !== 'object') return false;
  // Ours: a dependency already judged away (the file storage, a transaction past its retries).
  if (exception instanceof AppError && exception.statusCode === 503) return true;
  // Redis (ioredis): retries used up while reconnecting, no answer in time, the connection gone.
  if (error.name === 'MaxRetriesPerRequestError' || (typeof error.message === 'string' && REDIS_AWAY_MESSAGES.has(error.message))) return true;
  if (typeof error.code === 'string' && NETWORK_AWAY_CODES.has(error.code)) return true;
  if (typeof error.name === 'string' && MONGO_UNAVAILABLE_NAMES.has(error.name)) return true;
  if (typeof error.name === 'string' && error.name.startsWith('Mongo') && typeof error.code === 'number' && MONGO_UNAVAILABLE_CODES.has(error.code)) return true;
  if (typeof error.hasErrorLabel === 'function' && (error.hasErrorLabel('TransientTransactionError') || error.hasErrorLabel('RetryableWriteError'))) return true;
  // A connection cut during a bulk write (insertMany) reaches us as a MongoBulkWriteError that keeps
  // the driver's own error as its errorResponse, without that error's labels.
  return error.name === 'MongoBulkWriteError' && error.errorResponse instanceof Error && isDependencyUnavailable(error.errorResponse);
}

/** ioredis's errors for a Redis it cannot reach or that does not answer. */
const REDIS_AWAY_MESSAGES = new Set(['Command timed out', 'Connection is closed.', "Stream isn't writeable and enableOfflineQueue options is false"]);

/** Socket errors: the server at the other end is not there (or its name does not resolve). */
export const NETWORK_AWAY_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** body-parser's error types: a body that is not JSON, too large, or in an encoding or charset it cannot read. */
const BODY_ERROR_TYPES = new Set(['entity.parse.failed', 'entity.too.large', 'entity.verify.failed', 'encoding.unsupported', 'charset.unsupported', 'request.size.invalid']);

/**
 * A body body-parser refused (malformed JSON, too large; Nest's adapter passes it on as the cause of
 * its HttpException) names `body` as the offending field, as a validation error names its own.
 */
function bodyErrorDetails(error: unknown, message: string): FieldError[] | undefined {
  const { type, code } = (error ?? {}) as { type?: unknown; code?: unknown };
  // zlib's errors (Z_DATA_ERROR: a body that is not the gzip or deflate its Content-Encoding says) carry no type.
  const zlib = typeof code === 'string' && code.startsWith('Z_');
  return (typeof type === 'string' && BODY_ERROR_TYPES.has(type)) || zlib ? [{ field: 'body', messages: [message] }] : undefined;
}

/**
 * What to tell of a body body-parser refused: JSON that is not an object (`null`, `3`, `"hi"`: its
 * strict mode takes objects and arrays only) is well-formed, so "not valid JSON" would mislead.
 */
function bodyErrorMessage(error: unknown, message: string): string {
  const { type, body } = (error ?? {}) as { type?: unknown; body?: unknown };
  if (type !== 'entity.parse.failed' || typeof body !== 'string') return message;
  try {
    const parsed: unknown = JSON.parse(body);
    return `the body must be a JSON object, not ${parsed === null ? 'null' : typeof parsed}`;
  } catch {
    return message;
  }
}

/** Turns anything thrown into the one error shape; 500s are logged with the correlation id. */
function describe(exception: unknown): RpcErrorPayload | null {
  if (exception instanceof AppError) return exception.toRpc();
  if (isDependencyUnavailable(exception)) return AppError.unavailable('The database is not reachable for a moment; retry shortly').toRpc();
  const fromRpc = AppError.fromRpc(exception);
  if (fromRpc) return fromRpc.toRpc();
  if (exception instanceof HttpException) {
    const statusCode = exception.getStatus();
    const response = exception.getResponse();
    const message = bodyErrorMessage(
      exception.cause,
      typeof response === 'string'
        ? response
        : Array.isArray((response as { message?: unknown }).message)
          ? ((response as { message: string[] }).message.join('; '))
          : String((response as { message?: unknown }).message ?? exception.message),
    );
    const details = bodyErrorDetails(exception.cause, message);
    return { statusCode, code: CODE_BY_STATUS[statusCode] ?? ErrorCodes.Internal, message, ...(details ? { details } : {}) };
  }
  const status = (exception as { status?: unknown; statusCode?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Express middleware errors that Nest's adapter did not turn into an HttpException.
    const message = bodyErrorMessage(exception, (exception as Error).message || statusText(status));
    const details = bodyErrorDetails(exception, message);
    return { statusCode: status, code: CODE_BY_STATUS[status] ?? ErrorCodes.ValidationFailed, message, ...(details ? { details } : {}) };
  }
  return null;
}

/**
 * The one exception filter of every app. Over HTTP it writes `{ statusCode, error, message, code,
 * correlationId, details? }`; behind Kafka it turns the error into a reply the gateway maps back.
 */
@Catch()
export class AppExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('AppExceptionFilter');

  /**
   * `allowedMethods` names the methods a path is served with (null: an unknown path): a request of
   * another method to a known path is a 405 with `Allow`, not a 404.
   */
  constructor(private readonly allowedMethods?: (path: string) => string[] | null) {}

  catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    const known = describe(exception);
    // Says which: a dependency away, or an app at capacity (its own 503 says so).
    if (known && isDependencyUnavailable(exception)) this.logger.warn({ err: exception }, `answered 503 with Retry-After: ${known.message}`);
    if (host.getType() === 'rpc') {
      if (!known) this.logger.error({ err: exception }, 'unhandled error in a Kafka handler');
      const payload = known ?? { statusCode: 500, code: ErrorCodes.Internal, message: 'Internal error' };
      return throwError(() => payload);
    }
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: string }>();
    const response = http.getResponse<Response>();
    const correlationId = request.id === undefined ? correlationIdBeforeLogging(request, response) : String(request.id);
    if (!known) {
      this.logger.error({ err: exception, correlationId }, 'unhandled error in an HTTP request');
    }
    const allowed = known?.statusCode === 404 && exception instanceof NotFoundException ? this.allowedMethods?.(request.path) : null;
    if (allowed && allowed.length > 0 && !allowed.includes(request.method)) {
      response.setHeader('Allow', allowed.join(', '));
      response.setHeader('Content-Type', JSON_CONTENT_TYPE);
      const refused: ErrorBody = {
        statusCode: 405,
        error: statusText(405),
        message: `${request.method} is not served at ${request.path}; it takes ${allowed.join(', ')}`,
        code: ErrorCodes.MethodNotAllowed,
        correlationId,
      };
      response.status(405).json(refused);
      return;
    }
    const statusCode = known?.statusCode ?? 500;
    const body: ErrorBody = {
      statusCode,
      error: statusText(statusCode),
      message: known?.message ?? 'Internal server error',
      code: known?.code ?? ErrorCodes.Internal,
      correlationId,
      ...(known?.details ? { details: known.details } : {}),
    };
    if (known?.retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(known.retryAfterSeconds));
    response.setHeader('Content-Type', JSON_CONTENT_TYPE);
    response.status(statusCode).json(body);
  }
}
