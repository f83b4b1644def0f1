/** Composition root of graph-api: config, adapters for the profile, start, signals. */
import { createEventBus } from '@industrialmind/event-bus';
import { createGraphStore } from '@industrialmind/graph-store';
import { runServiceMain } from '@industrialmind/service-kit/main';
import { readConfig } from './config';
import { createService } from './service';

void runServiceMain({
  name: 'graph-api',
  version: '0.1.0',
  readConfig,
  compose: ({ config, logger, lifecycle }) => {
    const store = createGraphStore(config.store, logger.child({ component: 'graph-store' }));
    lifecycle.register('graph-store', () => store.close());
    const bus = createEventBus(config.eventBus, logger.child({ component: 'event-bus' }));
    lifecycle.register('event-bus', () => bus.close());
    return createService({ settings: config.graphApi, logger, ports: { bus, store } });
  },
  // Stops first: intake ends and the in-flight batch finishes and commits.
  stopName: 'anomaly-consumer',
});
