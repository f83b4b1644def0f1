// @industrialmind/simulation/runtime: what puts simulated or replayed readings somewhere, with timers and files.
// The simulator service and the CLI (`simulate`, `replay`) both use it; the main entry stays free of I/O.
export {
  combineSinks,
  createBusSink,
  createJsonlSink,
  type BusSinkOptions,
  type JsonlSinkOptions,
  type PublishableMessage,
  type Publisher,
  type SampleLike,
  type SampleSink,
  type WriteResult,
} from './sinks';
export {
  createFleetRunner,
  maxRateFor,
  type FleetRunner,
  type FleetRunnerEvent,
  type FleetRunnerOptions,
  type FleetRunnerStats,
} from './fleet-runner';
export {
  CMAPSS_DEFAULT_START_MS,
  replay,
  type ReplayDataset,
  type ReplayOptions,
  type ReplayProgress,
  type ReplaySummary,
} from './replay';
export { runFleetFor, type RunForOptions, type RunForProgress, type RunForSummary } from './run-for';
export { abortableSleep } from './sleep';
