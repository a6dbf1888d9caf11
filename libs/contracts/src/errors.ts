/** Stable error codes; clients branch on these, never on message text. */
export const ErrorCodes = {
  ValidationFailed: 'VALIDATION_FAILED',
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  MethodNotAllowed: 'METHOD_NOT_ALLOWED',
  Conflict: 'CONFLICT',
  ContentRefused: 'CONTENT_REFUSED',
  Unprocessable: 'UNPROCESSABLE',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  RateLimited: 'RATE_LIMITED',
  UpstreamTimeout: 'UPSTREAM_TIMEOUT',
  Unavailable: 'UNAVAILABLE',
  Internal: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** One offending field of a rejected request. */
export interface FieldError {
  field: string;
  messages: string[];
}

/** The one error body of the HTTP API (design.md section 4). */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code: ErrorCode;
  correlationId: string;
  details?: FieldError[];
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The HTTP reason phrase of a status code. */
export function statusText(statusCode: number): string {
  return STATUS_TEXT[statusCode] ?? 'Error';
}

/** What an error looks like on the wire between apps (a Kafka reply's error). */
export interface RpcErrorPayload {
  statusCode: number;
  code: ErrorCode;
  message: string;
  details?: FieldError[];
  /** Seconds after which a retry may succeed (sent as Retry-After on 429, 503 and 504). */
  retryAfterSeconds?: number;
}

/**
 * A failure the caller can act on, raised anywhere (HTTP edge or an app behind Kafka) and mapped
 * to the one error body at the edge.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly statusCode: number,
    message: string,
    readonly details?: FieldError[],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }

  /** The service cannot take this request now; the client may retry after `retryAfterSeconds`. */
  static unavailable(message: string, retryAfterSeconds = 1): AppError {
    return new AppError(ErrorCodes.Unavailable, 503, message, undefined, retryAfterSeconds);
  }

  static badRequest(field: string, message: string): AppError {
    return new AppError(ErrorCodes.ValidationFailed, 400, message, [{ field, messages: [message] }]);
  }

  static forbidden(message = 'You may not do that'): AppError {
    return new AppError(ErrorCodes.Forbidden, 403, message);
  }

  static notFound(what: string): AppError {
    return new AppError(ErrorCodes.NotFound, 404, `${what} not found`);
  }

  /**
   * A request the document allows that cannot be done (422), naming the field: a time already past,
   * a storage key never uploaded, a sender who is not in the thread. A 400 says the request breaks
   * the document (a field missing or malformed).
   */
  static unprocessable(field: string, message: string): AppError {
    return new AppError(ErrorCodes.Unprocessable, 422, message, [{ field, messages: [message] }]);
  }

  /** A message the account's content policy refuses (422), naming the rule and the field that broke it. */
  static contentRefused(rule: string, message: string, field = 'content'): AppError {
    return new AppError(ErrorCodes.ContentRefused, 422, message, [{ field, messages: [`refused by the content policy: ${rule}`] }]);
  }

  static conflict(message: string, field?: string): AppError {
    return new AppError(ErrorCodes.Conflict, 409, message, field ? [{ field, messages: [message] }] : undefined);
  }

  /** A field's value is larger than allowed (413), the field named as a 400 names it. */
  static payloadTooLarge(field: string, message: string): AppError {
    return new AppError(ErrorCodes.PayloadTooLarge, 413, message, [{ field, messages: [message] }]);
  }

  /** A field names a media type that is refused (415), the field named as a 400 names it. */
  static unsupportedMediaType(field: string, message: string): AppError {
    return new AppError(ErrorCodes.UnsupportedMediaType, 415, message, [{ field, messages: [message] }]);
  }

  toRpc(): RpcErrorPayload {
    return {
      statusCode: this.statusCode,
      code: this.code,
      message: this.message,
      details: this.details,
      ...(this.retryAfterSeconds !== undefined ? { retryAfterSeconds: this.retryAfterSeconds } : {}),
    };
  }

  /** Rebuilds an AppError from a Kafka reply's error, or returns null if it is not one. */
  static fromRpc(value: unknown): AppError | null {
    if (!value || typeof value !== 'object') return null;
    const candidate = value as Partial<RpcErrorPayload>;
    if (typeof candidate.statusCode !== 'number' || typeof candidate.code !== 'string') return null;
    return new AppError(candidate.code, candidate.statusCode, candidate.message ?? 'Error', candidate.details, candidate.retryAfterSeconds);
  }
}
