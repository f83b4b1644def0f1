import { createHttpApp } from '@industrialmind/http';
import type { Logger } from '@industrialmind/logger';
import type { Express } from 'express';
import type { Registry } from 'prom-client';
import type { SimulatorController } from '../controller';
import { simulatorRoutes } from './simulator.routes';

export interface AppDeps {
  logger: Logger;
  registry: Registry;
  controller: SimulatorController;
  isReady: () => boolean;
}

/** The simulator's HTTP app (probes, /metrics, the REST API); `main.ts` listens. */
export function createApp(deps: AppDeps): Express {
  return createHttpApp({
    logger: deps.logger,
    registry: deps.registry,
    readiness: deps.isReady,
    routes: (app) => {
      app.use(simulatorRoutes(deps.controller));
    },
  });
}
