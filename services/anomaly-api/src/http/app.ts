import { createHttpApp, type IdentifyFn } from '@industrialmind/http';
import type { Logger } from '@industrialmind/logger';
import type { Express } from 'express';
import type { Registry } from 'prom-client';
import type { ScorerRegistry } from '../domain/scorer-registry';
import type { AnomalyMetrics } from '../metrics';
import { predictLeanRoute, predictRouter } from './predict.routes';

export interface AppDeps {
  logger: Logger;
  registry: Registry;
  metrics: AnomalyMetrics;
  isReady: () => boolean;
  scorers: ScorerRegistry;
  identify?: IdentifyFn;
  roles?: { predict: string[]; model: string[] };
}

export function createApp(deps: AppDeps): Express {
  return createHttpApp({
    logger: deps.logger,
    registry: deps.registry,
    readiness: deps.isReady,
    ...(deps.identify ? { identify: deps.identify } : {}),
    leanRoutes: [
      predictLeanRoute({
        scorers: deps.scorers,
        metrics: deps.metrics,
        ...(deps.roles ? { roles: deps.roles } : {}),
      }),
    ],
    routes: (app) => {
      // Scores are answers to one request, never re-fetched: hashing every body for an ETag is wasted work.
      app.set('etag', false);
      app.use(
        predictRouter({
          scorers: deps.scorers,
          metrics: deps.metrics,
          ...(deps.roles ? { roles: deps.roles } : {}),
        }),
      );
    },
  });
}
