import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from './generated/prisma/client';
import { applyMigrations } from './migrate';
import { PrismaRelationalStore } from './prisma-store';

export interface PgliteRelationalStoreOptions {
  /** A folder to keep the database in; in memory (lost on exit) when absent. */
  dataDir?: string;
}

/** The RelationalStore on PGlite (PostgreSQL compiled to WASM, in this process): the lite profile's store. */
export function createPgliteRelationalStore(
  options: PgliteRelationalStoreOptions = {},
): PrismaRelationalStore {
  const db = new PGlite(options.dataDir);
  const client = new PrismaClient({ adapter: new PrismaPGlite(db) });
  return new PrismaRelationalStore({
    name: 'pglite',
    client,
    // One session in one process: statements never run concurrently, so there is nothing to lock against.
    supportsSkipLocked: false,
    migrate: async () => {
      await db.waitReady;
      await applyMigrations({
        exec: async (sql) => {
          await db.exec(sql);
        },
        query: async <T>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
      });
    },
    close: async () => {
      await client.$disconnect();
      await db.close();
    },
  });
}
