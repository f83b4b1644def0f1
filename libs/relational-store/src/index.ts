export * from './port';
export { PrismaRelationalStore, translateError, type PrismaBackend } from './prisma-store';
export { createPostgresRelationalStore, type PostgresRelationalStoreOptions } from './postgres.adapter';
export { createPgliteRelationalStore, type PgliteRelationalStoreOptions } from './pglite.adapter';
export { createRelationalStore, type RelationalStoreConfig } from './factory';
export { relationalStoreEnv, relationalStoreConfigFromEnv, type RelationalStoreEnv } from './env';
export { MIGRATIONS_DIR, applyMigrations, readMigrations, type Migration, type SqlSession } from './migrate';
