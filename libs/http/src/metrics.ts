import { trace } from '@opentelemetry/api';
import type { Logger } from '@industrialmind/logger';
import type { RequestHandler } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics, type Metric } from 'prom-client';

/** The `event` of the warn line logged for a request slower than the app's `slowRequestMs`. */
export const SLOW_REQUEST_EVENT = 'http.request.slow';

/** Route label for requests that matched no route (404s, bodies rejected before routing). */
export const UNMATCHED_ROUTE = 'unmatched';

export interface MetricsRegistryOptions {
  /** Labels added to every series, e.g. `{ service: 'ingestion' }`. */
  defaultLabels?: Record<string, string>;
  /** Process metrics (CPU, memory, event-loop lag, GC), default true. */
  collectDefaults?: boolean;
}

/** A prom-client registry with the process metrics every service exposes. */
export function createMetricsRegistry(options: MetricsRegistryOptions = {}): Registry {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  if (options.collectDefaults ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}

// Metrics are registered once per registry: a second app on the same registry (tests, an admin port) reuses them.
function once<T extends Metric>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

function routePath(path: unknown): string {
  return Array.isArray(path) ? path.map(String).join('|') : String(path);
}

interface RouteLike {
  path?: unknown;
}

/**
 * RED metrics per route: `http_requests_total{method,route,status}` and `http_request_duration_seconds`. The route
 * label is the matched pattern (`/machines/:id`), never the raw path, so cardinality stays bounded.
 */
export interface HttpMetrics {
  requests: Counter<'method' | 'route' | 'status'>;
  duration: Histogram<'method' | 'route' | 'status'>;
}

/** The RED instruments on `registry` (created once per registry, shared by express and lean routes). */
export function httpMetrics(registry: Registry): HttpMetrics {
  const requests = once(
    registry,
    'http_requests_total',
    () =>
      new Counter({
        name: 'http_requests_total',
        help: 'HTTP requests by method, route pattern and status.',
        labelNames: ['method', 'route', 'status'],
        registers: [registry],
      }),
  );
  const duration = once(
    registry,
    'http_request_duration_seconds',
    () =>
      new Histogram({
        name: 'http_request_duration_seconds',
        help: 'HTTP request duration in seconds by method, route pattern and status.',
        labelNames: ['method', 'route', 'status'],
        registers: [registry],
      }),
  );
  return { requests, duration };
}

/** Requests slower than this are logged at warn (`http.request.slow`) with their request id, by default. */
export const DEFAULT_SLOW_REQUEST_MS = 1000;

/**
 * RED metrics per route: `http_requests_total{method,route,status}` and `http_request_duration_seconds`. The route
 * label is the matched pattern (`/machines/:id`), never the raw path, so cardinality stays bounded. Requests slower
 * than `slowRequestMs` are logged at warn with their request id.
 */
export function redMetrics(
  registry: Registry,
  logger?: Pick<Logger, 'isLevelEnabled'>,
  slowRequestMs = DEFAULT_SLOW_REQUEST_MS,
): RequestHandler {
  const { requests, duration } = httpMetrics(registry);

  return (req, res, next) => {
    const startedAt = process.hrtime.bigint();
    const span = trace.getActiveSpan();
    let route = UNMATCHED_ROUTE;
    // The router assigns req.route when a route matches, while req.baseUrl still holds the mount path of the router
    // that owns it; by the time the response ends (or an error has left the router) baseUrl has been reset. So the
    // pattern is captured at assignment.
    let matched: RouteLike | undefined;
    Object.defineProperty(req, 'route', {
      configurable: true,
      enumerable: true,
      get: () => matched,
      set: (value: RouteLike | undefined) => {
        matched = value;
        if (value?.path === undefined) return;
        route = `${req.baseUrl}${routePath(value.path)}`;
        span?.setAttribute('http.route', route);
        span?.updateName(`${req.method} ${route}`);
      },
    });

    res.once('close', () => {
      const labels = {
        method: req.method,
        route,
        status: res.writableFinished ? String(res.statusCode) : 'aborted',
      };
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      requests.inc(labels);
      duration.observe(labels, seconds);
      const durationMs = seconds * 1000;
      if (durationMs >= slowRequestMs)
        req.log.warn(
          { ...labels, event: SLOW_REQUEST_EVENT, duration_ms: Math.round(durationMs) },
          'slow request',
        );
      // Checked on the app logger first, so requests that never log do not build a request-scoped child.
      else if (logger?.isLevelEnabled('debug') ?? true)
        req.log.debug({ ...labels, duration_ms: Math.round(durationMs) }, 'request completed');
    });
    next();
  };
}
