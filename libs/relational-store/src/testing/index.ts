export { describeRelationalStoreContract, signal, type RelationalStoreHarness } from './relational-store.contract';
export {
  createPostgresTestStore,
  dropSchema,
  requirePostgres,
  testDatabaseUrl,
  type PostgresTestStore,
} from './postgres';
