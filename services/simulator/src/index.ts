// @industrialmind/simulator: the service's factory for the single-process lite profile and tests. The replay
// runner is the one from @industrialmind/simulation/runtime, which the CLI uses too.
export { createService, type ServiceOptions, type ServicePorts, type SimulatorService } from './service';
export { readConfig, simulatorEnv, type Config } from './config';
export { createSimulatorController, type SimulatorController } from './controller';
export { createApp } from './http/app';
export { LOG_EVENTS } from './log-events';
export { CONFIG_TABLE_END, CONFIG_TABLE_START, configTable, withConfigTable } from './config-docs';
export { replay, type ReplayOptions, type ReplaySummary } from '@industrialmind/simulation/runtime';
