import { createKafkaEventBus, type KafkaEventBusOptions } from './kafka.adapter';
import { createMemoryEventBus, type MemoryEventBusOptions } from './memory.adapter';
import type { BusLogger, EventBus } from './port';

/** Which adapter to build; the profile (lite/full) decides it in each service's config. */
export type EventBusConfig =
  | ({ backend: 'memory' } & Omit<MemoryEventBusOptions, 'logger'>)
  | ({ backend: 'kafka' } & Omit<KafkaEventBusOptions, 'logger'>);

export function createEventBus(config: EventBusConfig, logger?: BusLogger): EventBus {
  const withLogger = logger ? { logger } : {};
  if (config.backend === 'memory') {
    const { backend: _backend, ...options } = config;
    return createMemoryEventBus({ ...options, ...withLogger });
  }
  const { backend: _backend, ...options } = config;
  return createKafkaEventBus({ ...options, ...withLogger });
}
