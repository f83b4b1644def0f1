export * from './model';
export * from './port';
export { silentLogger, type StoreLogger } from './logger';
export {
  MIGRATIONS,
  SCHEMA_VERSION,
  LABEL_PREFIX_PATTERN,
  labelsFor,
  type Labels,
  type Migration,
} from './migrations';
export { MemoryGraphStore, createMemoryGraphStore } from './memory.adapter';
export {
  Neo4jGraphStore,
  createNeo4jGraphStore,
  DEFAULT_NEO4J_TIMEOUT_MS,
  type Neo4jGraphStoreOptions,
} from './neo4j.adapter';
export { createGraphStore, type GraphStoreConfig } from './factory';
export { graphStoreEnv, graphStoreConfigFromEnv, type GraphStoreEnv } from './env';
export {
  COMPONENT_TEMPLATES,
  MAX_PLANT_ITEMS,
  PLANT_FORMAT,
  PLANT_FORMAT_VERSION,
  PlantDocumentSchema,
  componentId,
  exportPlant,
  generateDemoPlant,
  importPlant,
  parsePlantDocument,
  sensorId,
  type ComponentTemplate,
  type DemoPlantOptions,
  type PlantDocument,
} from './plant';
export { problemsOf } from './validation';
export {
  DEFAULT_PLANT_CACHE_ENTRIES,
  PlantCachedGraphStore,
  createPlantCachedGraphStore,
  type PlantCacheOptions,
  type PlantCacheStats,
} from './plant-cache';
