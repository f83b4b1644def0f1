export * from './port';
export { silentLogger, type StoreLogger } from './logger';
export { DEFAULT_QUERY_LIMIT, MAX_QUERY_LIMIT, MAX_QUERY_MACHINE_IDS, MAX_TIMESTAMP_MS } from './validation';
export {
  EmbeddedTimeSeriesStore,
  createEmbeddedTimeSeriesStore,
  DEFAULT_MAX_POINTS_PER_MACHINE,
  type EmbeddedTimeSeriesStoreOptions,
} from './embedded.adapter';
export {
  InfluxTimeSeriesStore,
  createInfluxTimeSeriesStore,
  DEFAULT_MEASUREMENT,
  DEFAULT_INFLUX_TIMEOUT_MS,
  DEFAULT_WRITE_BATCH_POINTS,
  type InfluxTimeSeriesStoreOptions,
} from './influx.adapter';
export { createTimeSeriesStore, type TimeSeriesStoreConfig } from './factory';
export {
  timeSeriesStoreEnv,
  timeSeriesStoreReadEnv,
  timeSeriesStoreConfigFromEnv,
  type TimeSeriesStoreEnv,
} from './env';
