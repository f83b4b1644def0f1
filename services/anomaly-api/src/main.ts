/** Composition root of anomaly-api: config, adapters for the profile, start, signals. */
import { createEventBus } from '@industrialmind/event-bus';
import { runServiceMain } from '@industrialmind/service-kit/main';
import { readConfig } from './config';
import { createService } from './service';

void runServiceMain({
  name: 'anomaly-api',
  version: '0.1.0',
  readConfig,
  compose: ({ config, logger, lifecycle }) => {
    const bus = createEventBus(config.eventBus, logger.child({ component: 'event-bus' }));
    lifecycle.register('event-bus', () => bus.close());
    return createService({ settings: config.anomaly, logger, ports: { bus } });
  },
  // Stops first: intake ends, the in-flight batch is scored, published and committed.
  stopName: 'anomaly-service',
});
