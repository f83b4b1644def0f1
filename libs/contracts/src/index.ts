// @industrialmind/contracts: the one source of truth for wire shapes (ARCHITECTURE.md §3).
export {
  ALL_TOPICS,
  KAFKA_KEY_FIELD,
  SCHEMA_VERSIONS,
  TOPICS,
  dlqTopic,
  isTopic,
  type Topic,
} from './topics';
export {
  compatibleVersionTest,
  isCompatibleSchemaVersion,
  parseSchemaVersion,
  type SchemaVersionParts,
} from './version';
export {
  CHANNEL_NAME_PATTERN,
  IDENTIFIER_PATTERN,
  ISO_DATETIME_PATTERN,
  MACHINE_TYPE_NAME_PATTERN,
  MAX_CHANNELS,
  MAX_METADATA_ENTRIES,
  MAX_METADATA_STRING_LENGTH,
  METADATA_KEY_PATTERN,
  MODEL_VERSION_PATTERN,
  SCHEMA_VERSION_PATTERN,
  ChannelNameSchema,
  IdentifierSchema,
  MachineTypeNameSchema,
  MetadataSchema,
  ModelVersionSchema,
  PrioritySchema,
  SchemaVersionSchema,
  TimestampSchema,
  type Priority,
} from './primitives';
export {
  IssueCode,
  MAX_ISSUES,
  formatPath,
  type ContractIssue,
  type ParseFailure,
  type ParseResult,
  type ParseSuccess,
} from './issues';
export {
  ChannelSchema,
  MachineTypeSchema,
  createMachineTypeRegistry,
  type MachineChannel,
  type MachineType,
  type MachineTypeRegistry,
  type RegisteredMachineType,
} from './machine-type';
export {
  CMAPSS_TURBOFAN_MACHINE_TYPE,
  DEFAULT_MACHINE_TYPES,
  SIMULATOR_MACHINE_TYPES,
  SKAB_MACHINE_TYPE,
  createDefaultMachineTypeRegistry,
} from './default-machine-types';
export { SensorReadingSchema, type SensorReading, type SensorReadingMetadata } from './sensor-reading';
export { timestampToMs } from './timestamp';
export {
  SensorReadingRowsSchema,
  type SensorReadingRow,
  type SensorReadingRows,
} from './sensor-reading-rows';
export {
  AnomalyDetectedSchema,
  AnomalyStateSchema,
  type AnomalyDetected,
  type AnomalyState,
} from './anomaly-detected';
export {
  ConfidenceIntervalSchema,
  MaintenancePredictionSchema,
  RulUnitSchema,
  type ConfidenceInterval,
  type MaintenancePrediction,
  type RulUnit,
} from './maintenance-prediction';
export {
  AlertCauseKindSchema,
  AlertCauseSchema,
  AlertSchema,
  AlertSeveritySchema,
  AlertStatusSchema,
  type Alert,
  type AlertCause,
  type AlertCauseKind,
  type AlertSeverity,
  type AlertStatus,
} from './alert';
export {
  DEFAULT_MAX_BYTES,
  MAX_READINGS_PER_MESSAGE,
  decode,
  encode,
  encodeAlert,
  encodeAnomalyDetected,
  encodeMaintenancePrediction,
  encodeSensorReading,
  parseAlert,
  parseAnomalyDetected,
  parseMaintenancePrediction,
  collectSensorReadings,
  packSensorReadings,
  BATCH_FORMS,
  type BatchForm,
  parseSensorReading,
  parseSensorReadings,
  type DecodeArgs,
  type PackOptions,
  type PackedMessage,
  type RejectedReading,
  type SensorReadingRejection,
  type SensorReadingsMessage,
  type DecodeOptions,
  type Encodable,
  type EncodeOptions,
  type SensorReadingDecodeOptions,
  type TopicPayloads,
} from './codec';
export {
  GENERATE_COMMAND,
  SCHEMAS_DIR,
  findSchemaDrift,
  generateJsonSchemas,
  writeJsonSchemas,
} from './json-schema';
