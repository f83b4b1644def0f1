import { env, envSchema, loadConfig, type EnvSource } from '@industrialmind/config';
import { TOPICS } from '@industrialmind/contracts';
import { eventBusConfigFromEnv, eventBusEnv } from '@industrialmind/event-bus';

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
      .default(8083)
      .describe('Port of the REST API, /healthz, /readyz and /metrics (0: any free port)'),
    OTEL_EXPORTER: env.enum(['otlp', 'console', 'none']).default('none').describe('Where traces go'),
    OTEL_EXPORTER_OTLP_ENDPOINT: env.url().optional().describe('OTLP/HTTP endpoint when OTEL_EXPORTER=otlp'),
    ANOMALY_MODEL_DIR: env
      .string()
      .describe('Folder of <name>.onnx + <name>.json anomaly models; the newest per machine type is served'),
    ANOMALY_MODEL_POLL_MS: env
      .durationMs({ min: 0, max: 3_600_000 })
      .default(5_000)
      .describe('How often the model folder is checked for a newer model (0: never)'),
    ANOMALY_INPUT_TOPIC: env.string().default(TOPICS.SENSOR_READINGS).describe('Topic consumed'),
    ANOMALY_OUTPUT_TOPIC: env
      .string()
      .default(TOPICS.ANOMALY_DETECTED)
      .describe('Topic anomaly events go to'),
    ANOMALY_GROUP_ID: env.string().default('anomaly-api').describe('Kafka consumer group'),
    ANOMALY_TOPIC_PARTITIONS: env
      .int({ min: 1, max: 1_000 })
      .default(12)
      .describe('Partitions when the service creates a topic'),
    ANOMALY_MAX_BATCH: env.int({ min: 1, max: 100_000 }).default(512).describe('Windows per ONNX run'),
    ANOMALY_CONSUMER_BATCH: env
      .int({ min: 1, max: 100_000 })
      .default(2_000)
      .describe('Largest batch of readings handed to the scorer at once'),
    ANOMALY_CONTINUING_EVERY: env
      .int({ min: 1, max: 1_000_000 })
      .default(10)
      .describe('While an anomaly event lasts, publish every n-th anomalous reading as "continuing"'),
    ANOMALY_PARTITIONS_CONCURRENTLY: env
      .int({ min: 1, max: 64 })
      .default(1)
      .describe('Partitions handled at once (scoring is CPU-bound on one thread)'),
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
    anomaly: {
      modelDir: e.ANOMALY_MODEL_DIR,
      modelPollMs: e.ANOMALY_MODEL_POLL_MS,
      inputTopic: e.ANOMALY_INPUT_TOPIC,
      outputTopic: e.ANOMALY_OUTPUT_TOPIC,
      groupId: e.ANOMALY_GROUP_ID,
      topicPartitions: e.ANOMALY_TOPIC_PARTITIONS,
      maxBatch: e.ANOMALY_MAX_BATCH,
      consumerBatch: e.ANOMALY_CONSUMER_BATCH,
      continuingEvery: e.ANOMALY_CONTINUING_EVERY,
      partitionsConcurrently: e.ANOMALY_PARTITIONS_CONCURRENTLY,
    },
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    eventBus: eventBusConfigFromEnv(e.PROFILE, e, 'anomaly-api'),
  }),
);

export type Config = ReturnType<typeof readConfig>;

/** Parses the environment once; throws one ConfigError listing every bad variable. */
export function readConfig(source: EnvSource = process.env) {
  return loadConfig(schema, source);
}
