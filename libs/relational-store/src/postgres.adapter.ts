import { PrismaPg } from '@prisma/adapter-pg';
import { Pool, type PoolClient } from 'pg';
import { PrismaClient } from './generated/prisma/client';
import { MIGRATION_LOCK_KEY, applyMigrations } from './migrate';
import { PrismaRelationalStore } from './prisma-store';

export interface PostgresRelationalStoreOptions {
  /** postgresql://user:password@host:port/database */
  url: string;
  /** Schema holding the tables (default public); tests use a unique one each. */
  schema?: string;
  poolMax?: number;
  connectionTimeoutMs?: number;
  /** Longest a statement may run before PostgreSQL cancels it. */
  statementTimeoutMs?: number;
}

/** The RelationalStore on PostgreSQL: Prisma Client over node-postgres through @prisma/adapter-pg. */
export function createPostgresRelationalStore(
  options: PostgresRelationalStoreOptions,
): PrismaRelationalStore {
  const schema = options.schema ?? 'public';
  const pool = new Pool({
    connectionString: options.url,
    max: options.poolMax ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
    // Unqualified names (the migration SQL, raw queries) resolve in the store's schema.
    options: `-c search_path="${schema}" -c statement_timeout=${options.statementTimeoutMs ?? 30_000}`,
  });
  // An idle client that loses its connection emits 'error' on the pool; without a listener that kills the process.
  pool.on('error', () => undefined);
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { schema }) });
  return new PrismaRelationalStore({
    name: 'postgres',
    client,
    supportsSkipLocked: true,
    migrate: async () => {
      const session: PoolClient = await pool.connect();
      try {
        // Under the migration lock (session advisory locks nest), so processes starting together do not race
        // on CREATE SCHEMA either.
        await session.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
        await session.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
        await applyMigrations({
          exec: async (sql) => {
            await session.query(sql);
          },
          query: async <T>(sql: string, params?: unknown[]) => (await session.query(sql, params)).rows as T[],
        });
        await session.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
      } finally {
        // A session that failed half-way may still hold the lock: destroy it rather than return it to the pool.
        session.release(true);
      }
    },
    close: async () => {
      await client.$disconnect();
      await pool.end();
    },
  });
}
