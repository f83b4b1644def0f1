import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Span,
} from '@opentelemetry/api';
import { AppError, ErrorCode } from '@industrialmind/errors';
import type { Logger } from '@industrialmind/logger';
import type { Request } from 'express';
import type { z } from 'zod';
import { errorResponse } from './errors';
import { SLOW_REQUEST_EVENT, type HttpMetrics } from './metrics';
import { ACCEPTED_REQUEST_ID, REQUEST_ID_HEADER, type IdentifyFn, type Identity } from './request-context';
import { fieldProblems } from './validate';

/** What a lean route's handler sees. */
export interface LeanRequest<B> {
  /** The parsed, validated JSON body (undefined for GET). */
  body: B;
  requestId: string;
  /** Set by the app's `identify` hook; undefined for anonymous callers. */
  identity: Identity | undefined;
  /** The app logger with `request_id` bound, made on first use. */
  readonly log: Logger;
}

/**
 * A hot route served without express's middleware chain (see `HttpAppOptions.leanRoutes`): an exact method and
 * path, a JSON body parser that throws a 400 naming the field, optional roles, and a handler returning the 200
 * JSON body or throwing an AppError. Everything else (ids, RED metrics, identity, error format) is as on express
 * routes.
 */
export interface LeanRoute<B = unknown> {
  method: 'GET' | 'POST';
  /** Exact path, no parameters; the query string is ignored. */
  path: string;
  /** POST only: validates the parsed JSON (undefined when the request had no body); throws a 400 naming the field. */
  body?: (raw: unknown) => B;
  /** The caller's identity must hold one of these (any identity when empty); undefined: no check. */
  roles?: readonly string[];
  handle(req: LeanRequest<B>): unknown;
}

/** Types a lean route by its body parser. */
export function leanRoute<B>(route: LeanRoute<B>): LeanRoute<B> {
  return route;
}

/**
 * A body parser for lean routes from a zod schema and an optional hand-written fast path. `fast` returns the
 * value for input it can vouch for (it must never accept what the schema rejects, nor return something else than
 * the schema would) and undefined otherwise; then the schema decides, and its issues become the 400's details.
 */
export function zodBody<S extends z.ZodType>(
  schema: S,
  fast?: (raw: unknown) => z.output<S> | undefined,
): (raw: unknown) => z.output<S> {
  return (raw) => {
    const quick = fast?.(raw);
    if (quick !== undefined) return quick;
    const result = schema.safeParse(raw);
    if (result.success) return result.data;
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'request validation failed', {
      details: fieldProblems('body', result.error),
    });
  };
}

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** `bodyLimit` as express.json reads it (a byte count, or '100kb', '1mb'...), in bytes. */
export function bodyLimitBytes(limit: number | string): number {
  if (typeof limit === 'number') return limit;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(limit);
  if (!match) throw new Error(`bodyLimit "${limit}" is not a size like 100kb or 1mb`);
  return Math.floor(Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()]!);
}

export interface LeanDispatcherOptions {
  routes: readonly LeanRoute<unknown>[];
  logger: Logger;
  metrics: HttpMetrics;
  bodyLimit: number;
  slowRequestMs: number;
  identify?: IdentifyFn;
  /** express's request prototype of the app, so the identify hook can use `req.get()` as on express routes. */
  expressRequest: object;
}

/** The paths the app itself serves; a lean route may not shadow them. */
const RESERVED = new Set(['/healthz', '/readyz', '/metrics']);

/** Serves the requests of an app's lean routes; `listen` calls it before node:http's instrumented request event. */
export interface LeanDispatcher {
  /** The lean route that serves this request, or undefined when express serves it. */
  match(req: IncomingMessage): LeanRoute<unknown> | undefined;
  /** Answers the request with `route` (from `match`); never rejects. */
  serve(route: LeanRoute<unknown>, req: IncomingMessage, res: ServerResponse): void;
}

/**
 * Matches requests to lean routes. A request with a body express.json would treat differently (another content
 * type or charset, a content encoding) is left to express, so the lean path only takes the plain case and never
 * changes an answer.
 */
export function createLeanDispatcher(options: LeanDispatcherOptions): LeanDispatcher {
  const table = new Map<string, LeanRoute<unknown>>();
  for (const route of options.routes) {
    const key = `${route.method} ${route.path}`;
    if (RESERVED.has(route.path)) throw new Error(`lean route ${key} shadows a built-in route`);
    if (table.has(key)) throw new Error(`lean route ${key} is declared twice`);
    table.set(key, route);
  }
  // Resolved once: the API's global provider hands out a tracer that follows the SDK registered later, if any.
  const tracer = trace.getTracer(TRACER_NAME);
  return {
    match: (req) => {
      const url = req.url ?? '/';
      const query = url.indexOf('?');
      const route = table.get(`${req.method} ${query < 0 ? url : url.slice(0, query)}`);
      return !route || (route.method === 'POST' && !isPlainJson(req)) ? undefined : route;
    },
    serve: (route, req, res) => {
      // Through `listen`, lean requests bypass OpenTelemetry's node:http instrumentation, whose per-request context
      // binding of the request and response costs more than a small handler (docs/benchmarks.md, anomaly serving);
      // they get their own server span here, continuing the caller's trace. Served through the app function
      // instead (tests, another server), the instrumentation's span is already active and is used.
      const active = trace.getActiveSpan();
      if (active) {
        active.setAttribute('http.route', route.path);
        active.updateName(`${route.method} ${route.path}`);
        void serve(route, req, res, options, undefined);
        return;
      }
      const parent = propagation.extract(ROOT_CONTEXT, req.headers);
      const span = tracer.startSpan(
        `${route.method} ${route.path}`,
        {
          kind: SpanKind.SERVER,
          attributes: {
            'http.request.method': route.method,
            'http.route': route.path,
            'url.path': route.path,
            'url.scheme': 'http',
          },
        },
        parent,
      );
      // Nothing to carry (no tracer provider, no incoming trace or baggage): skip the async context, whose
      // propagation to every promise of the request costs CPU and young-generation space.
      if (parent === ROOT_CONTEXT && !span.isRecording()) void serve(route, req, res, options, undefined);
      else void context.with(trace.setSpan(parent, span), () => serve(route, req, res, options, span));
    },
  };
}

const TRACER_NAME = '@industrialmind/http';

const dispatchers = new WeakMap<object, LeanDispatcher>();

/** Remembers the lean dispatcher of an app built by createHttpApp, for `listen`. */
export function setLeanDispatcher(app: object, dispatcher: LeanDispatcher): void {
  dispatchers.set(app, dispatcher);
}

/** The lean dispatcher of an app built by createHttpApp, undefined when it has no lean routes. */
export function leanDispatcherOf(app: object): LeanDispatcher | undefined {
  return dispatchers.get(app);
}

/** application/json in UTF-8 without content encoding: what the lean path parses itself. */
function isPlainJson(req: IncomingMessage): boolean {
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
  const type = req.headers['content-type'];
  if (type === undefined) return !hasBody(req);
  const [media, ...params] = type.toLowerCase().split(';');
  if (media!.trim() !== 'application/json') return false;
  return params.every((p) => {
    const [name, value] = p.split('=').map((s) => s.trim());
    return name !== 'charset' || value === 'utf-8' || value === '"utf-8"';
  });
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || req.headers['content-length'] !== undefined;
}

async function serve(
  route: LeanRoute<unknown>,
  req: IncomingMessage,
  res: ServerResponse,
  options: LeanDispatcherOptions,
  /** The route's own server span, ended here; undefined when the http instrumentation's span serves. */
  span: Span | undefined,
): Promise<void> {
  const startedAt = process.hrtime.bigint();
  const incoming = req.headers[REQUEST_ID_HEADER];
  const requestId =
    typeof incoming === 'string' && ACCEPTED_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  let log: Logger | undefined;
  const requestLog = () => (log ??= options.logger.child({ request_id: requestId }));
  res.setHeader(REQUEST_ID_HEADER, requestId);

  // Bound to the request's context so a slow-request log line carries its trace id.
  const onClose = () => {
    const labels = {
      method: route.method,
      route: route.path,
      status: res.writableFinished ? String(res.statusCode) : 'aborted',
    };
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    options.metrics.requests.inc(labels);
    options.metrics.duration.observe(labels, seconds);
    const durationMs = seconds * 1000;
    if (durationMs >= options.slowRequestMs)
      requestLog().warn(
        { ...labels, event: SLOW_REQUEST_EVENT, duration_ms: Math.round(durationMs) },
        'slow request',
      );
    else if (options.logger.isLevelEnabled('debug'))
      requestLog().debug({ ...labels, duration_ms: Math.round(durationMs) }, 'request completed');
    if (span) endSpan(span, res);
  };
  res.once('close', span ? context.bind(context.active(), onClose) : onClose);

  try {
    // The order of express's chain: body parsing, identity, roles, then the route's validation and handler.
    const raw =
      route.method === 'POST' && hasBody(req) ? parseJson(await readBody(req, options.bodyLimit)) : undefined;
    let identity: Identity | undefined;
    if (options.identify) {
      // The hook is written against express's request (`req.get()`); give it that prototype and the body.
      Object.setPrototypeOf(req, options.expressRequest);
      const expressReq = req as unknown as Request;
      expressReq.body = raw;
      expressReq.requestId = requestId;
      identity = await options.identify(expressReq);
    }
    if (route.roles) checkRoles(identity, route.roles);
    const body = route.body ? route.body(raw) : undefined;
    const result = await route.handle({
      body,
      requestId,
      identity,
      get log() {
        return requestLog();
      },
    });
    send(res, 200, result);
  } catch (err) {
    const { status, body } = errorResponse(err, requestId, requestLog());
    if (res.headersSent) res.destroy();
    else send(res, status, body);
  }
}

function endSpan(span: Span, res: ServerResponse): void {
  if (!res.writableFinished) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'aborted' });
  } else {
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
  });
  res.end(json);
}

function checkRoles(identity: Identity | undefined, roles: readonly string[]): void {
  if (!identity) throw new AppError(ErrorCode.UNAUTHENTICATED, 'authentication required');
  if (roles.length > 0 && !roles.some((role) => identity.roles.includes(role)))
    throw new AppError(ErrorCode.FORBIDDEN, 'missing required role', {
      details: { required_any_of: roles },
    });
}

function tooLarge(limit: number): AppError {
  return new AppError(ErrorCode.PAYLOAD_TOO_LARGE, 'request body too large', {
    details: { limit_bytes: limit },
  });
}

/** The body as UTF-8 text, refusing more than `limit` bytes (before reading when Content-Length says so). */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        // The rest is drained by node once the response is sent.
        reject(tooLarge(limit));
      } else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
      // A UTF-8 byte-order mark is dropped, as body-parser's decoder does.
      resolve(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    });
    req.once('error', reject);
    req.once('aborted', () => reject(new AppError(ErrorCode.VALIDATION_FAILED, 'request aborted')));
  });
}

/** JSON as express.json({ strict: true }) reads it: an empty body is `{}`, the top level an object or array. */
function parseJson(text: string): unknown {
  if (text.length === 0) return {};
  let i = 0;
  // Only JSON's own whitespace (space, tab, LF, CR) may come before the top-level value.
  while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  if (text[i] !== '{' && text[i] !== '[') throw malformed();
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw malformed(err);
  }
}

function malformed(cause?: unknown): AppError {
  return new AppError(ErrorCode.VALIDATION_FAILED, 'malformed JSON body', cause ? { cause } : {});
}
