import { createHttpApp, requireRole, type IdentifyFn } from '@industrialmind/http';
import type { GraphStore } from '@industrialmind/graph-store';
import type { Logger } from '@industrialmind/logger';
import type { Express, RequestHandler } from 'express';
import type { Registry } from 'prom-client';
import type { RootCauseSettings } from '../domain/root-cause';
import type { GraphApiMetrics } from '../metrics';
import { graphRouter } from './graph.routes';
import { rootCauseRouter } from './root-cause.routes';

export interface AppDeps {
  logger: Logger;
  registry: Registry;
  metrics: GraphApiMetrics;
  isReady: () => boolean;
  store: GraphStore;
  settings: RootCauseSettings;
  /** When true, writes need role engineer or admin on the verified identity. */
  requireRoles: boolean;
  identify?: IdentifyFn;
}

const passThrough: RequestHandler = (_req, _res, next) => next();

export function createApp(deps: AppDeps): Express {
  const canWrite = deps.requireRoles ? requireRole('engineer', 'admin') : passThrough;
  return createHttpApp({
    logger: deps.logger,
    registry: deps.registry,
    readiness: deps.isReady,
    // A 10,000-node plant is about 4 MB of JSON.
    bodyLimit: '32mb',
    ...(deps.identify ? { identify: deps.identify } : {}),
    routes: (app) => {
      app.use(graphRouter({ store: deps.store, canWrite }));
      app.use(rootCauseRouter({ store: deps.store, settings: deps.settings, metrics: deps.metrics }));
    },
  });
}
