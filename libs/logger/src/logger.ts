import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino from 'pino';

/** The logger every package passes around; `child()` per component, request or message. */
export type Logger = pino.Logger;

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface LoggerOptions {
  /** One name per service everywhere (package, image, Helm key, OTEL_SERVICE_NAME). */
  service: string;
  version: string;
  /** `lite` | `full`; logged so that lines from a laptop demo are never mistaken for production. */
  profile: string;
  /** Default `info`. */
  level?: LogLevel;
  /** Extra pino redact paths on top of {@link REDACTED_KEYS}. */
  redact?: readonly string[];
  /** Where JSON lines go; defaults to stdout, written synchronously so fatal lines survive `process.exit`. */
  destination?: pino.DestinationStream;
}

/** Keys whose values never reach a log line, at any of the first four levels of nesting. */
export const REDACTED_KEYS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'password',
  'passwd',
  'secret',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'apiKey',
  'api_key',
  'clientSecret',
  'client_secret',
  'privateKey',
  'private_key',
  'secretAccessKey',
  'credentials',
];

export const REDACTED = '[REDACTED]';

// pino's redaction matches exact paths; `*` stands for one level, so each key is listed at depths 0 to 3, which
// covers `password`, `user.password`, `req.headers.authorization` and `config.db.password`.
function redactPaths(extra: readonly string[]): string[] {
  const paths: string[] = [];
  for (const key of REDACTED_KEYS) {
    const segment = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    for (let depth = 0; depth <= 3; depth++) {
      const prefix = '*.'.repeat(depth);
      paths.push(segment.startsWith('[') ? `${prefix.slice(0, -1)}${segment}` : `${prefix}${segment}`);
    }
  }
  return [...paths, ...extra];
}

/** Adds the ids of the active OpenTelemetry span, so a log line can be found from a trace and back. */
function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const ctx = span.spanContext();
  return isSpanContextValid(ctx) ? { trace_id: ctx.traceId, span_id: ctx.spanId } : {};
}

/**
 * Creates the process logger: pino JSON lines with `service`, `version` and `profile` on every line, `trace_id` and
 * `span_id` from the active span, ISO timestamps, level names, `err` serialised with code/cause/stack, and secrets
 * (auth headers, passwords, tokens, keys) replaced by `[REDACTED]`.
 *
 * @example
 * const logger = createLogger({ service: 'ingestion', version: '1.2.0', profile: config.profile, level: config.logLevel });
 * logger.child({ component: 'consumer' }).info({ topic }, 'consumer started');
 */
export function createLogger(options: LoggerOptions): Logger {
  const { service, version, profile, level = 'info', redact = [], destination } = options;
  return pino(
    {
      level,
      base: { service, version, profile },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: traceFields,
      serializers: { err: pino.stdSerializers.errWithCause, error: pino.stdSerializers.errWithCause },
      redact: { paths: redactPaths(redact), censor: REDACTED },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
