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
import { timeSeriesStoreConfigFromEnv, timeSeriesStoreEnv } from '@industrialmind/timeseries-store';

// The only file of the service that reads process.env (STYLE.md, Configuration).
const schema = envSchema(
  {
    ...serviceEnv({
      port: 8082,
      profile: 'lite: embedded adapters in one process; full: Kafka and InfluxDB',
    }),
    INGESTION_TOPIC: env
      .string()
      .default(TOPICS.SENSOR_READINGS)
      .describe('Topic consumed (its DLQ is <topic>.dlq)'),
    INGESTION_GROUP_ID: env.string().default('ingestion').describe('Kafka consumer group'),
    INGESTION_TOPIC_PARTITIONS: env
      .int({ min: 1, max: 1_000 })
      .default(12)
      .describe('Partitions when the service creates the topic'),
    INGESTION_BATCH_SIZE: env.int({ min: 1, max: 100_000 }).default(5_000).describe('Points per store write'),
    INGESTION_LINGER_MS: env
      .durationMs({ min: 0, max: 60_000 })
      .default(50)
      .describe('Longest wait for a write batch to fill'),
    INGESTION_PARTITIONS_CONCURRENTLY: env
      .int({ min: 1, max: 64 })
      .default(6)
      .describe('Partitions handled at once per consumer'),
    INGESTION_CONSUMERS: env
      .int({ min: 1, max: 16 })
      .default(1)
      .describe(
        'Group members in this process; more let one fetch and parse while another waits for its write',
      ),
    ...eventBusEnv,
    ...timeSeriesStoreEnv,
  },
  (e) => ({
    ...serviceSettings(e),
    ingestion: {
      topic: e.INGESTION_TOPIC,
      groupId: e.INGESTION_GROUP_ID,
      topicPartitions: e.INGESTION_TOPIC_PARTITIONS,
      maxBatchSize: e.INGESTION_BATCH_SIZE,
      lingerMs: e.INGESTION_LINGER_MS,
      partitionsConcurrently: e.INGESTION_PARTITIONS_CONCURRENTLY,
      consumers: e.INGESTION_CONSUMERS,
    },
    eventBus: eventBusConfigFromEnv(e.PROFILE, e, 'ingestion'),
    store: timeSeriesStoreConfigFromEnv(e.PROFILE, e),
  }),
);

export type Config = ReturnType<typeof readConfig>;

/** Parses the environment once; throws one ConfigError listing every bad variable. */
export function readConfig(source: EnvSource = process.env) {
  return loadConfig(schema, source);
}
