import { createEmbeddedTimeSeriesStore, type EmbeddedTimeSeriesStoreOptions } from './embedded.adapter';
import { createInfluxTimeSeriesStore, type InfluxTimeSeriesStoreOptions } from './influx.adapter';
import type { StoreLogger } from './logger';
import type { TimeSeriesStore } from './port';

/** Which adapter to build; the profile (lite/full) decides it in each service's config. */
export type TimeSeriesStoreConfig =
  | ({ backend: 'embedded' } & EmbeddedTimeSeriesStoreOptions)
  | ({ backend: 'influx' } & Omit<InfluxTimeSeriesStoreOptions, 'logger'>);

/** Builds the adapter the config names. Nothing is opened until `connect()`. */
export function createTimeSeriesStore(config: TimeSeriesStoreConfig, logger?: StoreLogger): TimeSeriesStore {
  if (config.backend === 'embedded') {
    const { backend: _backend, ...options } = config;
    return createEmbeddedTimeSeriesStore(options);
  }
  const { backend: _backend, ...options } = config;
  return createInfluxTimeSeriesStore({ ...options, ...(logger ? { logger } : {}) });
}
