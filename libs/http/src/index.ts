export { createHttpApp } from './app';
export type { HttpAppOptions } from './app';
export { requireRole } from './auth';
export { STATUS_BY_CODE, normalizeError } from './errors';
export type { ErrorBody } from './errors';
export { leanRoute, zodBody } from './lean-routes';
export type { LeanRequest, LeanRoute } from './lean-routes';
export { listen } from './listen';
export type { HttpServer, ListenOptions } from './listen';
export {
  DEFAULT_SLOW_REQUEST_MS,
  SLOW_REQUEST_EVENT,
  UNMATCHED_ROUTE,
  createMetricsRegistry,
} from './metrics';
export type { MetricsRegistryOptions } from './metrics';
export { REQUEST_ID_HEADER } from './request-context';
export type { IdentifyFn, Identity } from './request-context';
export { fieldProblems, validate } from './validate';
export type { FieldProblem, RequestSchemas, ValidatedHandler } from './validate';
