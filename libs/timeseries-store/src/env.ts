import { ConfigError, env, secret, type Profile } from '@industrialmind/config';
import { DEFAULT_MAX_POINTS_PER_MACHINE } from './embedded.adapter';
import type { TimeSeriesStoreConfig } from './factory';
import { DEFAULT_INFLUX_TIMEOUT_MS, DEFAULT_WRITE_BATCH_POINTS } from './influx.adapter';

/**
 * The time-series store's environment fragment; a service spreads it into its own `envSchema`. Addresses and
 * names have no default: `INFLUX_URL` and `INFLUX_BUCKET` are required when `PROFILE=full` (checked by
 * {@link timeSeriesStoreConfigFromEnv}).
 */
export const timeSeriesStoreEnv = {
  INFLUX_URL: env
    .url({ protocols: ['http', 'https'] })
    .optional()
    .describe('InfluxDB HTTP API base URL, e.g. http://127.0.0.1:8086 (required when PROFILE=full)'),
  INFLUX_TOKEN: secret(env.string())
    .optional()
    .describe('InfluxDB API token; "user:password" for InfluxDB 1.8 with auth on; unset when auth is off'),
  INFLUX_ORG: env.string().optional().describe('InfluxDB 2 organization (ignored by InfluxDB 1.8)'),
  INFLUX_BUCKET: env
    .string()
    .optional()
    .describe(
      'Bucket for sensor readings; "<database>/<retention policy>" on InfluxDB 1.8 (required when PROFILE=full)',
    ),
  INFLUX_TIMEOUT_MS: env
    .durationMs({ min: 100, max: 300_000 })
    .default(DEFAULT_INFLUX_TIMEOUT_MS)
    .describe('Timeout of one InfluxDB request (a write, or silence while a query streams)'),
  INFLUX_WRITE_BATCH_POINTS: env
    .int({ min: 1, max: 100_000 })
    .default(DEFAULT_WRITE_BATCH_POINTS)
    .describe('Points per InfluxDB write request; bigger writes are split into several requests'),
  TIMESERIES_RETENTION_POINTS: env
    .int({ min: 100 })
    .default(DEFAULT_MAX_POINTS_PER_MACHINE)
    .describe('lite profile: points kept per machine by the embedded store (oldest dropped first)'),
};

/** The part of {@link timeSeriesStoreEnv} a service that only reads the store needs (no write or retention knobs). */
export const timeSeriesStoreReadEnv = {
  INFLUX_URL: timeSeriesStoreEnv.INFLUX_URL,
  INFLUX_TOKEN: timeSeriesStoreEnv.INFLUX_TOKEN,
  INFLUX_ORG: timeSeriesStoreEnv.INFLUX_ORG,
  INFLUX_BUCKET: timeSeriesStoreEnv.INFLUX_BUCKET,
  INFLUX_TIMEOUT_MS: timeSeriesStoreEnv.INFLUX_TIMEOUT_MS,
};

export interface TimeSeriesStoreEnv {
  INFLUX_URL?: string | undefined;
  INFLUX_TOKEN?: string | undefined;
  INFLUX_ORG?: string | undefined;
  INFLUX_BUCKET?: string | undefined;
  INFLUX_TIMEOUT_MS: number;
  /** Absent for a service that only reads (the adapter default applies). */
  INFLUX_WRITE_BATCH_POINTS?: number | undefined;
  /** Absent for a service that only reads (the embedded store's default applies). */
  TIMESERIES_RETENTION_POINTS?: number | undefined;
}

/** Picks the adapter for the profile and checks the variables that only the full profile needs. */
export function timeSeriesStoreConfigFromEnv(profile: Profile, e: TimeSeriesStoreEnv): TimeSeriesStoreConfig {
  if (profile === 'lite')
    return {
      backend: 'embedded',
      ...(e.TIMESERIES_RETENTION_POINTS !== undefined
        ? { maxPointsPerMachine: e.TIMESERIES_RETENTION_POINTS }
        : {}),
    };
  const problems: Array<{ key: string; message: string }> = [];
  if (!e.INFLUX_URL) problems.push({ key: 'INFLUX_URL', message: 'is required when PROFILE=full' });
  if (!e.INFLUX_BUCKET) problems.push({ key: 'INFLUX_BUCKET', message: 'is required when PROFILE=full' });
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    backend: 'influx',
    url: e.INFLUX_URL!,
    bucket: e.INFLUX_BUCKET!,
    ...(e.INFLUX_TOKEN ? { token: e.INFLUX_TOKEN } : {}),
    ...(e.INFLUX_ORG ? { org: e.INFLUX_ORG } : {}),
    timeoutMs: e.INFLUX_TIMEOUT_MS,
    ...(e.INFLUX_WRITE_BATCH_POINTS !== undefined ? { writeBatchPoints: e.INFLUX_WRITE_BATCH_POINTS } : {}),
  };
}
