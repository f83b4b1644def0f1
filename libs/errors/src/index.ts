/** Stable error codes shared by every package; HTTP and Kafka boundaries map them, domain code throws them. */
export const ErrorCode = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  RATE_LIMITED: 'RATE_LIMITED',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  CONFIG_INVALID: 'CONFIG_INVALID',
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes whose failures are transient by nature: retrying the same work later may succeed. */
const RETRYABLE_BY_DEFAULT: ReadonlySet<ErrorCode> = new Set([
  ErrorCode.UPSTREAM_UNAVAILABLE,
  ErrorCode.UPSTREAM_TIMEOUT,
  ErrorCode.RATE_LIMITED,
]);

export interface AppErrorOptions {
  /** Overrides the code's default retryability. */
  retryable?: boolean;
  /** Machine-readable detail for clients (field paths, limits); never secrets or stack traces. */
  details?: unknown;
  cause?: unknown;
}

/**
 * The one error type that crosses package boundaries. `code` is stable and documented, `retryable` tells a
 * consumer or client whether the same request may succeed later, `details` is safe to show to a caller.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
    if (options.details !== undefined) this.details = options.details;
  }

  toJSON(): { code: ErrorCode; message: string; retryable: boolean; details?: unknown } {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

export function isAppError(err: unknown): err is AppError {
  return (
    err instanceof AppError ||
    (typeof err === 'object' &&
      err !== null &&
      (err as { name?: unknown }).name === 'AppError' &&
      typeof (err as { code?: unknown }).code === 'string')
  );
}

/**
 * Whether a failure may succeed on retry. AppErrors say so themselves; anything else (a driver error that an
 * adapter did not translate, a bug) counts as retryable so that bounded retries, not a silent drop, decide.
 */
export function isRetryable(err: unknown): boolean {
  return isAppError(err) ? err.retryable : true;
}

/** Codes that mean "the world is down, not this message": consumers block and back off instead of dead-lettering. */
export function isUpstreamFailure(err: unknown): boolean {
  return (
    isAppError(err) &&
    (err.code === ErrorCode.UPSTREAM_UNAVAILABLE || err.code === ErrorCode.UPSTREAM_TIMEOUT)
  );
}

/** A one-line, human-readable description of any thrown value, for logs and DLQ reasons. */
export function describeError(err: unknown): string {
  if (isAppError(err)) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/** Wraps any thrown value as an AppError, keeping AppErrors as they are. */
export function toAppError(err: unknown, fallback: ErrorCode = ErrorCode.INTERNAL): AppError {
  if (isAppError(err)) return err;
  return new AppError(fallback, err instanceof Error ? err.message : String(err), { cause: err });
}
