// @industrialmind/anomaly-api: the service's factory, for main.ts and the lite profile (tools/cli demo).
export { createService, type AnomalyService, type AnomalySettings } from './service';
export { readConfig, type Config } from './config';
export { toAnomalyDetected } from './domain/to-message';
