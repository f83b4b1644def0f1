import { AppError, ErrorCode, isAppError } from '@industrialmind/errors';
import type { Logger } from '@industrialmind/logger';
import type { ErrorRequestHandler, RequestHandler } from 'express';

/** The one error body every route returns. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; request_id: string };
}

/** HTTP status for each AppError code; anything else is a 500. */
export const STATUS_BY_CODE: Readonly<Partial<Record<ErrorCode, number>>> = {
  [ErrorCode.VALIDATION_FAILED]: 400,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.UPSTREAM_UNAVAILABLE]: 503,
  [ErrorCode.UPSTREAM_TIMEOUT]: 504,
};

/** Maps a status to its AppError code (first listed wins), for errors raised by express or body-parser. */
function codeForStatus(status: number): ErrorCode {
  const entry = Object.entries(STATUS_BY_CODE).find(([, s]) => s === status);
  return entry ? (entry[0] as ErrorCode) : status < 500 ? ErrorCode.VALIDATION_FAILED : ErrorCode.INTERNAL;
}

// 5xx bodies never carry the thrown message: it may name hosts, queries or driver internals.
const SERVER_ERROR_MESSAGES: Record<number, string> = { 503: 'service unavailable', 504: 'upstream timeout' };

/** Errors from express and body-parser carry `status` (and `expose`, `type`); they are not AppErrors. */
interface HttpLikeError {
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  type?: unknown;
  limit?: unknown;
  message?: unknown;
}

/** Turns anything thrown into an AppError whose code decides the status. */
export function normalizeError(err: unknown): AppError {
  if (isAppError(err)) return err;
  const httpErr = (typeof err === 'object' && err !== null ? err : {}) as HttpLikeError;
  const status =
    typeof httpErr.status === 'number'
      ? httpErr.status
      : typeof httpErr.statusCode === 'number'
        ? httpErr.statusCode
        : 500;
  if (httpErr.type === 'entity.too.large') {
    return new AppError(ErrorCode.PAYLOAD_TOO_LARGE, 'request body too large', {
      details: { limit_bytes: httpErr.limit },
      cause: err,
    });
  }
  if (httpErr.type === 'entity.parse.failed')
    return new AppError(ErrorCode.VALIDATION_FAILED, 'malformed JSON body', { cause: err });
  if (status >= 400 && status < 500) {
    const message =
      httpErr.expose === true && typeof httpErr.message === 'string' ? httpErr.message : 'bad request';
    return new AppError(codeForStatus(status), message, { cause: err });
  }
  return new AppError(ErrorCode.INTERNAL, 'internal error', { cause: err });
}

/** 404 in the error format for requests no route matched. */
export const notFound: RequestHandler = (_req, _res, next) => {
  next(new AppError(ErrorCode.NOT_FOUND, 'route not found'));
};

/**
 * The app's one error middleware: maps the AppError code to a status and answers
 * `{ error: { code, message, details?, request_id } }` without a stack trace. 5xx are logged at error with the
 * cause, 4xx at debug.
 */
/**
 * The status and body answered for anything thrown while serving `requestId`, logged as the error handler does:
 * 5xx at error with the cause, 4xx at debug. Shared by the express error middleware and lean routes.
 */
export function errorResponse(
  err: unknown,
  requestId: string,
  log: Pick<Logger, 'error' | 'debug'>,
): { status: number; body: ErrorBody } {
  const appError = normalizeError(err);
  const status = STATUS_BY_CODE[appError.code] ?? 500;
  if (status >= 500) log.error({ err, status, code: appError.code }, 'request failed');
  else log.debug({ err: appError, status, code: appError.code }, 'request rejected');
  return {
    status,
    body: {
      error: {
        code: status >= 500 && status !== 503 && status !== 504 ? ErrorCode.INTERNAL : appError.code,
        message: status >= 500 ? (SERVER_ERROR_MESSAGES[status] ?? 'internal error') : appError.message,
        ...(status < 500 && appError.details !== undefined ? { details: appError.details } : {}),
        request_id: requestId,
      },
    },
  };
}

/**
 * The app's one error middleware: maps the AppError code to a status and answers
 * `{ error: { code, message, details?, request_id } }` without a stack trace. 5xx are logged at error with the
 * cause, 4xx at debug.
 */
export function errorHandler(fallbackLogger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const { status, body } = errorResponse(err, req.requestId, req.log ?? fallbackLogger);
    if (res.headersSent) {
      // Part of the response is on the wire (a stream); the only honest signal left is to cut the connection.
      res.destroy();
      return;
    }
    res.status(status).json(body);
  };
}
