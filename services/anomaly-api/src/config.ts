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

// The only file of the service that reads process.env (STYLE.md, Configuration).
const schema = envSchema(
  {
    ...serviceEnv({
      port: 8083,
      profile: 'lite: in-memory event bus in one process; full: Kafka',
    }),
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
    ...eventBusEnv,
  },
  (e) => ({
    ...serviceSettings(e),
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
    eventBus: eventBusConfigFromEnv(e.PROFILE, e, 'anomaly-api'),
  }),
);

export type Config = ReturnType<typeof readConfig>;

/** Parses the environment once; throws one ConfigError listing every bad variable. */
export function readConfig(source: EnvSource = process.env) {
  return loadConfig(schema, source);
}
