/** Composition root of the ingestion service: config, adapters for the profile, start, signals. */
import { createEventBus } from '@industrialmind/event-bus';
import { runServiceMain } from '@industrialmind/service-kit/main';
import { createTimeSeriesStore } from '@industrialmind/timeseries-store';
import { readConfig } from './config';
import { createService } from './service';

void runServiceMain({
  name: 'ingestion',
  version: '0.1.0',
  readConfig,
  compose: ({ config, logger, lifecycle }) => {
    const store = createTimeSeriesStore(config.store, logger.child({ component: 'timeseries-store' }));
    lifecycle.register('timeseries-store', () => store.close());
    const bus = createEventBus(config.eventBus, logger.child({ component: 'event-bus' }));
    lifecycle.register('event-bus', () => bus.close());
    return createService({ settings: config.ingestion, logger, ports: { bus, store } });
  },
  // Stops first: intake ends and the in-flight batch is written and committed.
  stopName: 'readings-consumer',
});
