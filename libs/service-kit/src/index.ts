export { LIFECYCLE_EVENTS, createLifecycle } from './lifecycle';
export type { CloseFn, Lifecycle, LifecycleOptions, RegisterOptions, ShutdownOptions } from './lifecycle';
export { runService } from './run-service';
export type { ProcessEvents, RunServiceOptions } from './run-service';
