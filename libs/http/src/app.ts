import type { Logger } from '@industrialmind/logger';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import { errorHandler, notFound } from './errors';
import { bodyLimitBytes, createLeanDispatcher, setLeanDispatcher, type LeanRoute } from './lean-routes';
import { DEFAULT_SLOW_REQUEST_MS, httpMetrics, redMetrics } from './metrics';
import { identifyCaller, requestContext, type IdentifyFn } from './request-context';

export interface HttpAppOptions {
  logger: Logger;
  /** Served at `/metrics`; the app adds its RED metrics to it. */
  registry: Registry;
  /** Backs `/readyz`: true once adapters are connected and until shutdown begins. A throw counts as not ready. */
  readiness: () => boolean | Promise<boolean>;
  /** Registers the service's routes (and routers) on the app. */
  routes: (app: Express) => void;
  /** Largest JSON body accepted (bytes or '100kb', '1mb'); larger ones get 413 PAYLOAD_TOO_LARGE. Default '1mb'. */
  bodyLimit?: number | string;
  /** Fills `req.identity` for each routed request; the gateway passes verified identity. */
  identify?: IdentifyFn;
  /**
   * Hot routes served before express's middleware chain (request context, RED metrics, body-parser, router),
   * which costs several times a small handler. They keep the app's behaviour: request ids, RED metrics and slow
   * request logs, JSON bodies up to `bodyLimit` (413), malformed JSON 400, the identify hook, roles (401/403),
   * a 400 naming the field, the one error format. A request they do not take in the plain case (another content
   * type, charset or encoding) goes to express. No ETag, no HEAD.
   */
  leanRoutes?: readonly LeanRoute<unknown>[];
  /** Requests slower than this are logged at warn (event `http.request.slow`) with their request id. Default 1000. */
  slowRequestMs?: number;
}

type Handle = (req: IncomingMessage, res: ServerResponse, callback?: (err?: unknown) => void) => void;

/**
 * Builds the express 5 app every service serves (it does not listen): `/healthz`, `/readyz`, `/metrics`, request ids,
 * JSON bodies up to `bodyLimit`, RED metrics per route, the identity hook, the service's routes, 404 and the one
 * error format `{ error: { code, message, details?, request_id } }`. Probes and `/metrics` are not counted in the
 * RED metrics and skip `identify`.
 *
 * @example
 * const app = createHttpApp({ logger, registry, readiness: () => lifecycle.isReady(),
 *   routes: (app) => app.use('/readings', readingsRouter(deps)) });
 */
export function createHttpApp(options: HttpAppOptions): Express {
  const { logger, registry, readiness, routes, bodyLimit = '1mb', identify, leanRoutes = [] } = options;
  const slowRequestMs = options.slowRequestMs ?? DEFAULT_SLOW_REQUEST_MS;
  const app = express();
  app.disable('x-powered-by');

  app.use(requestContext(logger));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (req, res) => {
    let isReady = false;
    try {
      isReady = await readiness();
    } catch (err) {
      req.log.warn({ err }, 'readiness check failed');
    }
    res.status(isReady ? 200 : 503).json({ status: isReady ? 'ready' : 'not_ready' });
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  });

  app.use(redMetrics(registry, logger, slowRequestMs));
  app.use(express.json({ limit: bodyLimit }));
  if (identify) app.use(identifyCaller(identify));

  routes(app);

  app.use(notFound);
  app.use(errorHandler(logger));

  if (leanRoutes.length > 0) {
    const lean = createLeanDispatcher({
      routes: leanRoutes,
      logger,
      metrics: httpMetrics(registry),
      bodyLimit: bodyLimitBytes(bodyLimit),
      slowRequestMs,
      ...(identify ? { identify } : {}),
      expressRequest: app.request,
    });
    // express's app function calls app.handle(req, res, next): lean routes answer first, the rest go on to express.
    // `listen` dispatches them even earlier, before node:http's request event (see LeanDispatcher.serve).
    const target = app as unknown as { handle: Handle };
    const expressHandle = target.handle.bind(app);
    target.handle = (req, res, callback) => {
      const route = lean.match(req);
      if (route) lean.serve(route, req, res);
      else expressHandle(req, res, callback);
    };
    setLeanDispatcher(app, lean);
  }
  return app;
}
