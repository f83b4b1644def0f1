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
import {
  DEFAULT_PLANT_CACHE_ENTRIES,
  graphStoreConfigFromEnv,
  graphStoreEnv,
} from '@industrialmind/graph-store';
import { DEFAULT_ROOT_CAUSE_SETTINGS } from './domain/root-cause';

// The only file of the service that reads process.env (STYLE.md, Configuration).
const schema = envSchema(
  {
    ...serviceEnv({
      port: 8084,
      profile: 'lite: in-memory graph and event bus in one process; full: Neo4j and Kafka',
    }),
    GRAPH_API_TOPIC: env
      .string()
      .default(TOPICS.ANOMALY_DETECTED)
      .describe('Topic consumed (its DLQ is <topic>.dlq)'),
    GRAPH_API_GROUP_ID: env.string().default('graph-api').describe('Kafka consumer group'),
    GRAPH_API_TOPIC_PARTITIONS: env
      .int({ min: 1, max: 1_000 })
      .default(12)
      .describe('Partitions when the service creates the topic'),
    GRAPH_API_SEED_DEMO_PLANT: env
      .int({ min: 0, max: 10_000 })
      .default(0)
      .describe(
        'At start, load the demo plant for a simulator fleet of this many machines if the graph is empty (0: off)',
      ),
    GRAPH_API_REQUIRE_ROLES: env
      .bool()
      .default(false)
      .describe('Require role engineer or admin (from the verified identity) for writes'),
    GRAPH_API_PLANT_CACHE_ENTRIES: env
      .int({ min: 0, max: 1_000_000 })
      .default(DEFAULT_PLANT_CACHE_ENTRIES)
      .describe(
        'Graph reads of the static plant kept in memory for root-cause ranking, emptied on every graph write (0: off)',
      ),
    ROOT_CAUSE_UPSTREAM_HOPS: env
      .int({ min: 1, max: 10 })
      .default(DEFAULT_ROOT_CAUSE_SETTINGS.upstreamHops)
      .describe('FEEDS hops upstream searched for root-cause candidates'),
    ROOT_CAUSE_NEIGHBOUR_WINDOW_MS: env
      .durationMs({ min: 1_000 })
      .default(DEFAULT_ROOT_CAUSE_SETTINGS.neighbourWindowMs)
      .describe('Anomalies on upstream equipment this long before an anomaly count as evidence'),
    ROOT_CAUSE_HISTORY_WINDOW_MS: env
      .durationMs({ min: 60_000 })
      .default(DEFAULT_ROOT_CAUSE_SETTINGS.historyWindowMs)
      .describe('Period of similar equipment history used as a prior'),
    ...eventBusEnv,
    ...graphStoreEnv,
  },
  (e) => ({
    ...serviceSettings(e),
    graphApi: {
      topic: e.GRAPH_API_TOPIC,
      groupId: e.GRAPH_API_GROUP_ID,
      topicPartitions: e.GRAPH_API_TOPIC_PARTITIONS,
      seedDemoPlant: e.GRAPH_API_SEED_DEMO_PLANT,
      requireRoles: e.GRAPH_API_REQUIRE_ROLES,
      plantCacheEntries: e.GRAPH_API_PLANT_CACHE_ENTRIES,
      rootCause: {
        upstreamHops: e.ROOT_CAUSE_UPSTREAM_HOPS,
        neighbourWindowMs: e.ROOT_CAUSE_NEIGHBOUR_WINDOW_MS,
        historyWindowMs: e.ROOT_CAUSE_HISTORY_WINDOW_MS,
        maxCandidates: DEFAULT_ROOT_CAUSE_SETTINGS.maxCandidates,
      },
    },
    eventBus: eventBusConfigFromEnv(e.PROFILE, e, 'graph-api'),
    store: graphStoreConfigFromEnv(e.PROFILE, e),
  }),
);

export type Config = ReturnType<typeof readConfig>;

/** Parses the environment once; throws one ConfigError listing every bad variable. */
export function readConfig(source: EnvSource = process.env) {
  return loadConfig(schema, source);
}
