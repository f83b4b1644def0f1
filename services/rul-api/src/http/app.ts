import { createHttpApp, type IdentifyFn } from '@industrialmind/http';
import type { Logger } from '@industrialmind/logger';
import type { Express } from 'express';
import type { Registry } from 'prom-client';
import { forecastRouter, type ForecastRoutesDeps } from './forecast.routes';

export interface AppDeps extends ForecastRoutesDeps {
  logger: Logger;
  registry: Registry;
  isReady: () => boolean;
  identify?: IdentifyFn;
}

export function createApp(deps: AppDeps): Express {
  return createHttpApp({
    logger: deps.logger,
    registry: deps.registry,
    readiness: deps.isReady,
    ...(deps.identify ? { identify: deps.identify } : {}),
    routes: (app) => {
      app.use(forecastRouter(deps));
    },
  });
}
