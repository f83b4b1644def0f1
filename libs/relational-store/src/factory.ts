import { createPgliteRelationalStore, type PgliteRelationalStoreOptions } from './pglite.adapter';
import type { RelationalStore } from './port';
import { createPostgresRelationalStore, type PostgresRelationalStoreOptions } from './postgres.adapter';

/** Which adapter to build; the profile (lite/full) decides it in each service's config. */
export type RelationalStoreConfig =
  | ({ backend: 'pglite' } & PgliteRelationalStoreOptions)
  | ({ backend: 'postgres' } & PostgresRelationalStoreOptions);

export function createRelationalStore(config: RelationalStoreConfig): RelationalStore {
  if (config.backend === 'pglite') {
    const { backend: _backend, ...options } = config;
    return createPgliteRelationalStore(options);
  }
  const { backend: _backend, ...options } = config;
  return createPostgresRelationalStore(options);
}
