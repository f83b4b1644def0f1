import { join } from 'node:path';
import {
  env,
  envSchema,
  loadConfig,
  serviceEnv,
  serviceSettings,
  type EnvSource,
} from '@industrialmind/config';
import { TOPICS } from '@industrialmind/contracts';
import { eventBusConfigFromEnv, eventBusEnv } from '@industrialmind/event-bus';
import { timeSeriesStoreConfigFromEnv, timeSeriesStoreReadEnv } from '@industrialmind/timeseries-store';

/** The committed default models (services/rul-api/models), resolved from dist/ or src/. */
export const DEFAULT_MODELS_DIR = join(__dirname, '..', 'models');

// The only file of the service that reads process.env (STYLE.md, Configuration).
const schema = envSchema(
  {
    ...serviceEnv({
      port: 8085,
      profile: 'lite: in-memory event bus in one process; full: Kafka',
    }),
    RUL_MODELS_DIR: env
      .string()
      .default(DEFAULT_MODELS_DIR)
      .describe('Folder of <name>.onnx + <name>.json models (the lite model registry)'),
    RUL_MODELS_POLL_MS: env
      .durationMs({ min: 0, max: 3_600_000 })
      .default(5_000)
      .describe('How often the models folder is rescanned for new models (0: never)'),
    RUL_INPUT_TOPIC: env.string().default(TOPICS.SENSOR_READINGS).describe('Topic consumed'),
    RUL_OUTPUT_TOPIC: env
      .string()
      .default(TOPICS.MAINTENANCE_PREDICTIONS)
      .describe('Topic the predictions are published to'),
    RUL_GROUP_ID: env.string().default('rul-api').describe('Kafka consumer group'),
    RUL_TOPIC_PARTITIONS: env
      .int({ min: 1, max: 1_000 })
      .default(12)
      .describe('Partitions when the service creates a topic'),
    RUL_PUBLISH_EVERY: env
      .int({ min: 1, max: 1_000_000 })
      .default(10)
      .describe('Cadence: one prediction per machine every N readings'),
    RUL_MIN_READINGS: env
      .int({ min: 1, max: 100_000 })
      .default(15)
      .describe('Readings a machine needs before its first prediction (shorter windows are padded)'),
    RUL_MAX_MACHINES: env
      .int({ min: 1, max: 10_000_000 })
      .default(100_000)
      .describe('Machines whose recent readings are kept in memory (least recently updated dropped)'),
    ...eventBusEnv,
    // Read-only use: a token with read access to the bucket is enough (least privilege).
    ...timeSeriesStoreReadEnv,
    INFLUX_URL: timeSeriesStoreReadEnv.INFLUX_URL.describe(
      'InfluxDB the readings are stored in (ingestion writes them): with PROFILE=full, machines served by a model ' +
        'with history inputs get their first readings and age from it after a restart; unset: no lookup',
    ),
  },
  (e) => ({
    ...serviceSettings(e),
    models: { dir: e.RUL_MODELS_DIR, pollMs: e.RUL_MODELS_POLL_MS },
    rul: {
      inputTopic: e.RUL_INPUT_TOPIC,
      outputTopic: e.RUL_OUTPUT_TOPIC,
      groupId: e.RUL_GROUP_ID,
      topicPartitions: e.RUL_TOPIC_PARTITIONS,
      publishEvery: e.RUL_PUBLISH_EVERY,
      minReadings: e.RUL_MIN_READINGS,
      maxMachines: e.RUL_MAX_MACHINES,
    },
    eventBus: eventBusConfigFromEnv(e.PROFILE, e, 'rul-api'),
    // Only an external store holds a machine's past: the lite profile's embedded one would start empty here.
    history: e.PROFILE === 'full' && e.INFLUX_URL ? timeSeriesStoreConfigFromEnv(e.PROFILE, e) : undefined,
  }),
);

export type Config = ReturnType<typeof readConfig>;

/** Parses the environment once; throws one ConfigError listing every bad variable. */
export function readConfig(source: EnvSource = process.env) {
  return loadConfig(schema, source);
}
