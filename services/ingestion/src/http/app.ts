import { createHttpApp, type IdentifyFn } from '@industrialmind/http';
import type { Logger } from '@industrialmind/logger';
import type { TimeSeriesStore } from '@industrialmind/timeseries-store';
import type { Express } from 'express';
import type { Registry } from 'prom-client';
import { readingsRouter } from './readings.routes';

export interface AppDeps {
  logger: Logger;
  registry: Registry;
  isReady: () => boolean;
  store: Pick<TimeSeriesStore, 'queryRange' | 'latest'>;
  identify?: IdentifyFn;
}

export function createApp(deps: AppDeps): Express {
  return createHttpApp({
    logger: deps.logger,
    registry: deps.registry,
    readiness: deps.isReady,
    ...(deps.identify ? { identify: deps.identify } : {}),
    routes: (app) => {
      app.use('/machines', readingsRouter({ store: deps.store }));
    },
  });
}
