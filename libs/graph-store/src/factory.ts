import { createMemoryGraphStore } from './memory.adapter';
import { createNeo4jGraphStore, type Neo4jGraphStoreOptions } from './neo4j.adapter';
import type { StoreLogger } from './logger';
import type { GraphStore } from './port';

/** Which adapter to build; the profile (lite/full) decides it in each service's config. */
export type GraphStoreConfig =
  { backend: 'memory' } | ({ backend: 'neo4j' } & Omit<Neo4jGraphStoreOptions, 'logger'>);

/** Builds the adapter the config names. Nothing is opened until `connect()`. */
export function createGraphStore(config: GraphStoreConfig, logger?: StoreLogger): GraphStore {
  if (config.backend === 'memory') return createMemoryGraphStore();
  const { backend: _backend, ...options } = config;
  return createNeo4jGraphStore({ ...options, ...(logger ? { logger } : {}) });
}
