/**
 * The InfluxDB adapter's write-path stages, exported for benchmarks (`bench/ingestion --stages`) only; services use
 * the TimeSeriesStore port.
 */
export { encodeLines, escapeMeasurement, toLines } from './line-protocol';
export { validatePoints } from './validation';
