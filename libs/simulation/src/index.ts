// @industrialmind/simulation: deterministic, I/O-free simulation of a machine fleet and parsers that turn the
// reference data sets into readings. The runners that pace them onto an event bus are in `./runtime`.
export { createRandom, deriveSeed, type Random } from './random';
export {
  MACHINE_PROFILES,
  SIMULATOR_CHANNELS,
  SIMULATOR_MACHINE_TYPE_NAMES,
  ambientTemperature,
  dayOfWeek,
  isSimulatorMachineType,
  localHour,
  shiftFactor,
  waterDemand,
  type MachineProfile,
  type SimulatorChannel,
  type SimulatorMachineTypeName,
} from './profiles';
export {
  COMPONENT_PATTERN,
  FAULT_CATALOG,
  FAULT_KINDS,
  FAULT_SHAPES,
  PROPAGATING_KINDS,
  faultIntensity,
  faultState,
  isFaultKind,
  resolveFaultSpec,
  shapeFraction,
  type Fault,
  type FaultKind,
  type FaultKindInfo,
  type FaultShape,
  type FaultSpec,
  type FaultSpecProblem,
  type FaultState,
  type PropagationTarget,
} from './faults';
export { HOUR_MS, failureTimeMs, wearRate } from './degradation';
export {
  ActiveFaultSchema,
  GROUND_TRUTH_SCHEMA_VERSION,
  GROUND_TRUTH_TOPIC,
  GroundTruthRecordSchema,
  encodeGroundTruth,
  type ActiveFault,
  type GroundTruthRecord,
} from './ground-truth';
export { type MachineStatus, type SimulatedSample } from './machine';
export {
  MAX_FAULTS_PER_MACHINE,
  MAX_FLEET_SIZE,
  DEFAULT_PROPAGATION_GAIN,
  createFleet,
  type FaultFilter,
  type FaultInfo,
  type Fleet,
  type FleetOptions,
  type MachineInfo,
  type MachineSnapshot,
  type ResolvedFleetOptions,
} from './fleet';
export { readLines, type Line, type TextChunks } from './replay/lines';
export {
  machineIdFromPath,
  toReplayRecord,
  type DatasetRow,
  type InvalidLine,
  type PlaceOptions,
  type ReplayRecord,
} from './replay/record';
export { parseSkabCsv, parseUtcOffset, type SkabParseOptions } from './replay/skab';
export {
  cmapssFileId,
  isRunToFailureFile,
  parseCmapss,
  parseCmapssRul,
  type CmapssParseOptions,
  type CmapssRul,
} from './replay/cmapss';
