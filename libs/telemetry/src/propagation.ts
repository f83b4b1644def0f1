import { describeError, isAppError } from '@industrialmind/errors';
import {
  ROOT_CONTEXT,
  SpanStatusCode,
  context,
  isSpanContextValid,
  propagation,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanKind,
  type TextMapGetter,
} from '@opentelemetry/api';

/** Header values as they arrive from Kafka (Buffers), HTTP (string arrays) or our own producers (strings). */
export type HeaderValue = string | Buffer | ReadonlyArray<string | Buffer> | undefined;
export type IncomingHeaders = Readonly<Record<string, HeaderValue>>;

const TRACER_NAME = '@industrialmind/telemetry';

function headerText(value: HeaderValue): string | string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return (value as ReadonlyArray<string | Buffer>).map((item) =>
    typeof item === 'string' ? item : item.toString('utf8'),
  );
}

// Header names are matched case-insensitively: HTTP lowercases them, but a producer in another language may not.
const headerGetter: TextMapGetter<IncomingHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    if (key in carrier) return headerText(carrier[key]);
    const match = Object.keys(carrier).find((name) => name.toLowerCase() === key);
    return match === undefined ? undefined : headerText(carrier[match]);
  },
};

/**
 * Writes the current trace context (`traceparent`, `tracestate`, `baggage`) into message headers and returns them.
 * A producer calls it inside the span that publishes.
 */
export function injectTraceHeaders(
  headers: Record<string, string> = {},
  ctx: Context = context.active(),
): Record<string, string> {
  propagation.inject(ctx, headers);
  return headers;
}

/**
 * Reads the trace context a producer put into message headers (strings or Kafka Buffers). Run the handler under it
 * (`withSpan(name, fn, { parent })`) so its spans join the producer's trace.
 */
export function extractTraceContext(
  headers: IncomingHeaders | undefined,
  base: Context = ROOT_CONTEXT,
): Context {
  return propagation.extract(base, headers ?? {}, headerGetter);
}

/** A span link to the producer's span, for batch handlers that process many messages under one span. */
export function spanLinkFromHeaders(headers: IncomingHeaders | undefined): Link | undefined {
  const spanContext = trace.getSpanContext(extractTraceContext(headers));
  return spanContext && isSpanContextValid(spanContext) ? { context: spanContext } : undefined;
}

export interface WithSpanOptions {
  attributes?: Attributes;
  links?: Link[];
  kind?: SpanKind;
  /** Parent context, e.g. from {@link extractTraceContext}; default the active one. */
  parent?: Context;
}

/**
 * Runs `fn` inside a new active span and ends it when `fn` settles. A failure is recorded on the span (status
 * ERROR, `error.type` = AppError code or error name) and rethrown.
 *
 * @example
 * await withSpan('sensor-readings process', () => handle(message), { kind: SpanKind.CONSUMER, parent: extractTraceContext(message.headers) });
 */
export async function withSpan<T>(
  name: string,
  fn: (span: Span) => T | Promise<T>,
  options: WithSpanOptions = {},
): Promise<T> {
  const { parent = context.active(), ...spanOptions } = options;
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, spanOptions, parent, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err instanceof Error ? err : String(err));
      span.setAttribute(
        'error.type',
        isAppError(err) ? err.code : err instanceof Error ? err.name : 'unknown',
      );
      span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(err) });
      throw err;
    } finally {
      span.end();
    }
  });
}
