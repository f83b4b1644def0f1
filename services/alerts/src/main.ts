/** Composition root of alerts: config, adapters for the profile, start, signals. */
import { createEventBus } from '@industrialmind/event-bus';
import { createRelationalStore } from '@industrialmind/relational-store';
import { runServiceMain } from '@industrialmind/service-kit/main';
import { readConfig } from './config';
import { createSenders } from './notifier/channels';
import { createService } from './service';

void runServiceMain({
  name: 'alerts',
  version: '0.1.0',
  readConfig,
  compose: ({ config, logger, lifecycle }) => {
    const store = createRelationalStore(config.store);
    lifecycle.register('relational-store', () => store.close());
    const bus = createEventBus(config.eventBus, logger.child({ component: 'event-bus' }));
    lifecycle.register('event-bus', () => bus.close());
    return createService({
      settings: config.alerts,
      logger,
      ports: { bus, store },
      senders: createSenders(config.channels),
    });
  },
  // Stops first: intake ends, the in-flight batch commits, the outbox pass finishes.
  stopName: 'alerts',
});
