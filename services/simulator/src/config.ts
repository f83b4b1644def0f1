import {
  ConfigError,
  env,
  envSchema,
  loadConfig,
  type ConfigProblem,
  type EnvSource,
} from '@industrialmind/config';
import { BATCH_FORMS, type BatchForm } from '@industrialmind/contracts';
import { eventBusConfigFromEnv, eventBusEnv, type EventBusConfig } from '@industrialmind/event-bus';
import { LOG_LEVELS } from '@industrialmind/logger';
import { MAX_FLEET_SIZE } from '@industrialmind/simulation';
import type { z } from 'zod';

// The only file of the simulator that reads process.env (STYLE.md, Configuration). Addresses have no default;
// the simulation knobs do, so `PROFILE=lite` alone starts a 20-machine fleet at 20 readings/s.
export const simulatorEnv = {
  PROFILE: env.profile().describe('lite: in-memory event bus; full: Kafka'),
  LOG_LEVEL: env
    .enum(LOG_LEVELS as unknown as [string, ...string[]])
    .default('info')
    .describe('Log level'),
  HTTP_PORT: env
    .port()
    .default(8081)
    .describe('Port of the REST API, /healthz, /readyz and /metrics (0: any free port)'),
  HTTP_HOST: env.string().default('0.0.0.0').describe('Interface to listen on'),
  ...eventBusEnv,
  SIMULATOR_TOPIC_PARTITIONS: env
    .int({ min: 1, max: 1000 })
    .default(12)
    .describe('Partitions of sensor-readings and simulator-ground-truth when the simulator creates them'),
  SIMULATOR_FLEET_SIZE: env
    .int({ min: 1, max: MAX_FLEET_SIZE })
    .default(20)
    .describe('Machines in the fleet at startup (the four types round-robin)'),
  SIMULATOR_SEED: env.int().default(42).describe('Seed of the fleet: the same seed gives the same data'),
  SIMULATOR_RATE_PER_SEC: env
    .int({ min: 1 })
    .default(20)
    .describe('Readings per second for the whole fleet (at most 1000 per machine)'),
  SIMULATOR_MAX_RATE_PER_SEC: env.int({ min: 1 }).default(100_000).describe('Highest rate PUT /rate accepts'),
  SIMULATOR_AUTOSTART: env.bool().default(true).describe('Start publishing at startup'),
  SIMULATOR_LIFE_HOURS: env
    .int({ min: 1 })
    .default(720)
    .describe('Mean operating life of a new machine in hours (±20 % per machine)'),
  SIMULATOR_REPAIR_HOURS: env
    .int({ min: 0 })
    .default(8)
    .describe('Hours a failed machine stays down before it is repaired as new'),
  SIMULATOR_UTC_OFFSET_HOURS: env
    .int({ min: -12, max: 14 })
    .default(0)
    .describe('Offset of the plants from UTC, for shifts and the daily temperature cycle'),
  SIMULATOR_TICK_MS: env
    .durationMs({ min: 10, max: 10_000 })
    .default(100)
    .describe('Period of the publishing timer'),
  SIMULATOR_MAX_BATCH: env.int({ min: 1, max: 10_000 }).default(1000).describe('Most readings per publish'),
  SIMULATOR_READINGS_PER_MESSAGE: env
    .int({ min: 1, max: 1000 })
    .default(100)
    .describe(
      "Most readings of one machine per sensor-readings message (the contract's batch form, 1.1); 1 = one reading per message, for 1.0 readers",
    ),
  SIMULATOR_BATCH_FORM: env
    .enum(BATCH_FORMS as unknown as [BatchForm, ...BatchForm[]])
    .default('rows')
    .describe(
      "How a batch of readings is written: rows (the contract's 1.2 row form, ~60 bytes a reading) or array (the 1.1 array form, for 1.1 readers)",
    ),
  SIMULATOR_MAX_IN_FLIGHT: env
    .int({ min: 1, max: 64 })
    .default(4)
    .describe('Publishes in flight at once; when all are pending, generation waits (1 = strict order)'),
  SIMULATOR_GROUND_TRUTH: env
    .enum(['topic', 'file', 'both', 'off'])
    .default('topic')
    .describe('Where ground truth goes: the simulator-ground-truth topic, a JSONL file, both, or nowhere'),
  SIMULATOR_GROUND_TRUTH_FILE: env
    .string()
    .optional()
    .describe('JSONL file for ground truth (required when SIMULATOR_GROUND_TRUTH is file or both)'),
  SIMULATOR_DATASETS_DIR: env
    .string()
    .optional()
    .describe(
      'Folder that POST /replay may read data sets from (e.g. ../shared/datasets); unset: replay over REST is off',
    ),
  OTEL_EXPORTER: env.enum(['otlp', 'console', 'none']).default('none').describe('Where traces go'),
  OTEL_EXPORTER_OTLP_ENDPOINT: env
    .url({ protocols: ['http', 'https'] })
    .optional()
    .describe('OTLP/HTTP endpoint (required when OTEL_EXPORTER=otlp)'),
  SHUTDOWN_GRACE_MS: env
    .durationMs({ min: 1_000 })
    .default(25_000)
    .describe('Longest graceful shutdown before exit 1'),
};

const schema = envSchema(simulatorEnv, (e) => ({
  profile: e.PROFILE,
  logLevel: e.LOG_LEVEL as (typeof LOG_LEVELS)[number],
  http: { port: e.HTTP_PORT, host: e.HTTP_HOST },
  env: e,
  topics: { partitions: e.SIMULATOR_TOPIC_PARTITIONS },
  fleet: {
    size: e.SIMULATOR_FLEET_SIZE,
    seed: e.SIMULATOR_SEED,
    lifeHours: e.SIMULATOR_LIFE_HOURS,
    repairHours: e.SIMULATOR_REPAIR_HOURS,
    utcOffsetHours: e.SIMULATOR_UTC_OFFSET_HOURS,
  },
  runner: {
    ratePerSec: e.SIMULATOR_RATE_PER_SEC,
    maxRatePerSec: e.SIMULATOR_MAX_RATE_PER_SEC,
    isAutostart: e.SIMULATOR_AUTOSTART,
    tickMs: e.SIMULATOR_TICK_MS,
    maxBatch: e.SIMULATOR_MAX_BATCH,
    readingsPerMessage: e.SIMULATOR_READINGS_PER_MESSAGE,
    batchForm: e.SIMULATOR_BATCH_FORM,
    maxInFlight: e.SIMULATOR_MAX_IN_FLIGHT,
  },
  groundTruth: { mode: e.SIMULATOR_GROUND_TRUTH, file: e.SIMULATOR_GROUND_TRUTH_FILE },
  replay: { datasetsDir: e.SIMULATOR_DATASETS_DIR },
  otel: { exporter: e.OTEL_EXPORTER, endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT },
  shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
}));

type Loaded = z.output<typeof schema>;

export type Config = Omit<Loaded, 'env'> & { eventBus: EventBusConfig };

/**
 * Parses the environment once. Throws one ConfigError listing every bad variable, including the checks that
 * span variables (KAFKA_BROKERS with PROFILE=full, the ground-truth file, the OTLP endpoint).
 */
export function readConfig(source: EnvSource = process.env): Config {
  const { env: e, ...loaded } = loadConfig(schema, source);
  const problems: ConfigProblem[] = [];
  let eventBus: EventBusConfig | undefined;
  try {
    eventBus = eventBusConfigFromEnv(e.PROFILE, e, 'simulator');
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  if (loaded.groundTruth.mode !== 'topic' && loaded.groundTruth.mode !== 'off' && !loaded.groundTruth.file) {
    problems.push({
      key: 'SIMULATOR_GROUND_TRUTH_FILE',
      message: `is required when SIMULATOR_GROUND_TRUTH=${loaded.groundTruth.mode}`,
    });
  }
  if (loaded.otel.exporter === 'otlp' && !loaded.otel.endpoint) {
    problems.push({
      key: 'OTEL_EXPORTER_OTLP_ENDPOINT',
      message: 'is required when OTEL_TRACES_EXPORTER=otlp',
    });
  }
  if (loaded.runner.ratePerSec > loaded.fleet.size * 1000) {
    problems.push({
      key: 'SIMULATOR_RATE_PER_SEC',
      message: `must be <= 1000 per machine (${loaded.fleet.size * 1000} for SIMULATOR_FLEET_SIZE=${loaded.fleet.size})`,
    });
  }
  if (problems.length > 0 || eventBus === undefined) throw new ConfigError(problems);
  return { ...loaded, eventBus };
}
