export { describeTimeSeriesStoreContract, type TimeSeriesStoreHarness } from './timeseries-store.contract';
export { createInfluxTestDatabase, type InfluxTestDatabase } from './influx-test-database';
