import { ConfigError, env, secret, type Profile } from '@industrialmind/config';
import type { RelationalStoreConfig } from './factory';

/**
 * The relational store's environment fragment; a service spreads it into its own `envSchema`. `DATABASE_URL`
 * has no default: it is required when `PROFILE=full` (checked by {@link relationalStoreConfigFromEnv}).
 */
export const relationalStoreEnv = {
  DATABASE_URL: secret(env.url({ protocols: ['postgresql', 'postgres'] }))
    .optional()
    .describe('PostgreSQL URL, postgresql://user:password@host:5432/database (required when PROFILE=full)'),
  DATABASE_SCHEMA: env.string().default('public').describe('PostgreSQL schema holding the tables'),
  DATABASE_POOL_MAX: env.int({ min: 1, max: 200 }).default(10).describe('Connections in the PostgreSQL pool'),
  PGLITE_DATA_DIR: env
    .string()
    .optional()
    .describe('lite profile: folder for the PGlite database (in memory, lost on exit, when unset)'),
};

export interface RelationalStoreEnv {
  DATABASE_URL?: string | undefined;
  DATABASE_SCHEMA: string;
  DATABASE_POOL_MAX: number;
  PGLITE_DATA_DIR?: string | undefined;
}

/** Picks the adapter for the profile and checks the variables that only the full profile needs. */
export function relationalStoreConfigFromEnv(profile: Profile, e: RelationalStoreEnv): RelationalStoreConfig {
  if (profile === 'lite')
    return { backend: 'pglite', ...(e.PGLITE_DATA_DIR ? { dataDir: e.PGLITE_DATA_DIR } : {}) };
  if (!e.DATABASE_URL)
    throw new ConfigError([{ key: 'DATABASE_URL', message: 'is required when PROFILE=full' }]);
  return {
    backend: 'postgres',
    url: e.DATABASE_URL,
    schema: e.DATABASE_SCHEMA,
    poolMax: e.DATABASE_POOL_MAX,
  };
}
