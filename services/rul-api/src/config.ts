import { join } from 'node:path';
import { env, envSchema, loadConfig, type EnvSource } from '@industrialmind/config';
import { TOPICS } from '@industrialmind/contracts';
import { eventBusConfigFromEnv, eventBusEnv } from '@industrialmind/event-bus';

/** The committed default models (services/rul-api/models), resolved from dist/ or src/. */
export const DEFAULT_MODELS_DIR = join(__dirname, '..', 'models');

// The only file of the service that reads process.env (STYLE.md, Configuration).
const schema = envSchema(
  {
    PROFILE: env.profile().describe('lite: in-memory event bus in one process; full: Kafka'),
    LOG_LEVEL: env
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
      .default('info')
      .describe('Log level'),
    HTTP_HOST: env.string().default('0.0.0.0').describe('Address the REST API binds to'),
    HTTP_PORT: env
      .int({ min: 0, max: 65_535 })
      .default(8085)
      .describe('Port of the REST API, /healthz, /readyz and /metrics (0: any free port)'),
    OTEL_EXPORTER: env.enum(['otlp', 'console', 'none']).default('none').describe('Where traces go'),
    OTEL_EXPORTER_OTLP_ENDPOINT: env.url().optional().describe('OTLP/HTTP endpoint when OTEL_EXPORTER=otlp'),
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
    SHUTDOWN_GRACE_MS: env
      .durationMs({ min: 1_000 })
      .default(25_000)
      .describe('Longest graceful shutdown before exit 1'),
    ...eventBusEnv,
  },
  (e) => ({
    profile: e.PROFILE,
    logLevel: e.LOG_LEVEL,
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT },
    otel: { exporter: e.OTEL_EXPORTER, endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT },
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
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    eventBus: eventBusConfigFromEnv(e.PROFILE, e, 'rul-api'),
  }),
);

export type Config = ReturnType<typeof readConfig>;

/** Parses the environment once; throws one ConfigError listing every bad variable. */
export function readConfig(source: EnvSource = process.env) {
  return loadConfig(schema, source);
}
