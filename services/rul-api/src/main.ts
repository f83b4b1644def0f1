/** Composition root of rul-api: config, adapters for the profile, start, signals. */
import { createEventBus } from '@industrialmind/event-bus';
import { runServiceMain } from '@industrialmind/service-kit/main';
import { readConfig } from './config';
import { createService } from './service';

void runServiceMain({
  name: 'rul-api',
  version: '0.1.0',
  readConfig,
  compose: ({ config, logger, lifecycle }) => {
    const bus = createEventBus(config.eventBus, logger.child({ component: 'event-bus' }));
    lifecycle.register('event-bus', () => bus.close());
    return createService({ settings: config.rul, models: config.models, logger, ports: { bus } });
  },
  // Stops first: intake ends and the in-flight batch is published and committed.
  stopName: 'readings-consumer',
});
