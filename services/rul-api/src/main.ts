/** Composition root of rul-api: config, adapters for the profile, start, signals. */
import { createEventBus } from '@industrialmind/event-bus';
import { runServiceMain } from '@industrialmind/service-kit/main';
import { createTimeSeriesStore } from '@industrialmind/timeseries-store';
import { readConfig } from './config';
import { createService } from './service';

void runServiceMain({
  name: 'rul-api',
  version: '0.1.0',
  readConfig,
  compose: ({ config, logger, lifecycle }) => {
    const bus = createEventBus(config.eventBus, logger.child({ component: 'event-bus' }));
    lifecycle.register('event-bus', () => bus.close());
    const history = config.history
      ? createTimeSeriesStore(config.history, logger.child({ component: 'timeseries-store' }))
      : undefined;
    if (history) lifecycle.register('timeseries-store', () => history.close());
    return createService({
      settings: config.rul,
      models: config.models,
      logger,
      ports: { bus, ...(history ? { history } : {}) },
    });
  },
  // Stops first: intake ends and the in-flight batch is published and committed.
  stopName: 'readings-consumer',
});
