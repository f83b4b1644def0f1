import { ConfigError, env, secret, type Profile } from '@industrialmind/config';
import type { EventBusConfig } from './factory';

/**
 * The event bus's environment fragment; a service spreads it into its own `envSchema`. Addresses have no
 * default: `KAFKA_BROKERS` is required when `PROFILE=full` (checked by {@link eventBusConfigFromEnv}).
 */
export const eventBusEnv = {
  KAFKA_BROKERS: env
    .list()
    .optional()
    .describe('Kafka bootstrap servers, comma-separated (required when PROFILE=full)'),
  KAFKA_COMPRESSION: env.enum(['gzip', 'none']).default('gzip').describe('Compression of produced batches'),
  KAFKA_SESSION_TIMEOUT_MS: env
    .durationMs({ min: 6_000, max: 300_000 })
    .default(30_000)
    .describe('A consumer silent this long is removed from its group and its partitions reassigned'),
  KAFKA_FETCH_MIN_BYTES: env
    .int({ min: 1, max: 64 * 1024 * 1024 })
    .default(1)
    .describe(
      'Bytes a fetch waits for (up to KAFKA_FETCH_MAX_WAIT_MS) before the broker answers: larger means fewer, fuller fetches at the cost of latency at low rates',
    ),
  KAFKA_FETCH_MAX_WAIT_MS: env
    .durationMs({ min: 1, max: 30_000 })
    .default(100)
    .describe('Longest the broker holds a fetch waiting for KAFKA_FETCH_MIN_BYTES'),
  KAFKA_SSL: env.bool().default(false).describe('Connect with TLS'),
  KAFKA_SASL_MECHANISM: env
    .enum(['plain', 'scram-sha-256', 'scram-sha-512'])
    .optional()
    .describe('SASL mechanism, if any'),
  KAFKA_SASL_USERNAME: env.string().optional().describe('SASL user name'),
  KAFKA_SASL_PASSWORD: secret(env.string()).optional().describe('SASL password'),
  EVENT_BUS_RETENTION_MESSAGES: env
    .int({ min: 1_000 })
    .default(200_000)
    .describe('lite profile: messages kept per partition by the in-memory bus'),
};

export interface EventBusEnv {
  KAFKA_BROKERS?: string[] | undefined;
  KAFKA_COMPRESSION: 'gzip' | 'none';
  KAFKA_SESSION_TIMEOUT_MS: number;
  KAFKA_FETCH_MIN_BYTES: number;
  KAFKA_FETCH_MAX_WAIT_MS: number;
  KAFKA_SSL: boolean;
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512' | undefined;
  KAFKA_SASL_USERNAME?: string | undefined;
  KAFKA_SASL_PASSWORD?: string | undefined;
  EVENT_BUS_RETENTION_MESSAGES: number;
}

/** Picks the adapter for the profile and checks the variables that only the full profile needs. */
export function eventBusConfigFromEnv(profile: Profile, e: EventBusEnv, clientId: string): EventBusConfig {
  if (profile === 'lite') return { backend: 'memory', retentionMessages: e.EVENT_BUS_RETENTION_MESSAGES };
  const problems: Array<{ key: string; message: string }> = [];
  if (!e.KAFKA_BROKERS || e.KAFKA_BROKERS.length === 0)
    problems.push({ key: 'KAFKA_BROKERS', message: 'is required when PROFILE=full' });
  if (e.KAFKA_SASL_MECHANISM && (!e.KAFKA_SASL_USERNAME || !e.KAFKA_SASL_PASSWORD)) {
    if (!e.KAFKA_SASL_USERNAME)
      problems.push({ key: 'KAFKA_SASL_USERNAME', message: 'is required with KAFKA_SASL_MECHANISM' });
    if (!e.KAFKA_SASL_PASSWORD)
      problems.push({ key: 'KAFKA_SASL_PASSWORD', message: 'is required with KAFKA_SASL_MECHANISM' });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    backend: 'kafka',
    brokers: e.KAFKA_BROKERS!,
    clientId,
    compression: e.KAFKA_COMPRESSION,
    sessionTimeoutMs: e.KAFKA_SESSION_TIMEOUT_MS,
    minBytes: e.KAFKA_FETCH_MIN_BYTES,
    maxWaitTimeMs: e.KAFKA_FETCH_MAX_WAIT_MS,
    ssl: e.KAFKA_SSL,
    ...(e.KAFKA_SASL_MECHANISM
      ? {
          sasl: {
            mechanism: e.KAFKA_SASL_MECHANISM,
            username: e.KAFKA_SASL_USERNAME!,
            password: e.KAFKA_SASL_PASSWORD!,
          } as never,
        }
      : {}),
  };
}
