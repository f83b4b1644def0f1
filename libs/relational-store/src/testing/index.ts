export {
  describeRelationalStoreContract,
  signal,
  type RelationalStoreHarness,
} from './relational-store.contract';
export {
  createPostgresTestStore,
  dropSchema,
  requirePostgres,
  testDatabaseUrl,
  type PostgresTestStore,
} from './postgres';
export { SCHEMA_PATH, SQL_ONLY_OBJECTS, describeDatabase, describePrismaSchema } from './schema-check';
