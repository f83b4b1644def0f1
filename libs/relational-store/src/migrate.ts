import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** prisma/migrations of this package (from src/ in tests and from dist/ at run time alike). */
export const MIGRATIONS_DIR = join(__dirname, '..', 'prisma', 'migrations');

/** The SQL a migration runner needs: plain statements and parameterised queries on one session. */
export interface SqlSession {
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Migration {
  name: string;
  sql: string;
  /** sha256 of migration.sql, as Prisma records it in _prisma_migrations.checksum. */
  checksum: string;
}

/** Reads `<dir>/<name>/migration.sql` in name order (Prisma's layout: timestamp-prefixed folder names). */
export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

// The same lock key Prisma's migrate engine takes, so this runner and `prisma migrate deploy` exclude each other.
export const MIGRATION_LOCK_KEY = 72707369;

// Prisma's own bookkeeping table, so `prisma migrate deploy` (where the engine exists) sees these as applied.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/**
 * Applies the migrations not yet recorded in `_prisma_migrations`, each in its own transaction, under Prisma's
 * advisory lock (several processes starting at once apply each migration once). Refuses to run when an applied
 * migration's file changed since: that database was built from other SQL. Returns the names applied now.
 */
export async function applyMigrations(session: SqlSession, migrations = readMigrations()): Promise<string[]> {
  await session.exec(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
  try {
    await session.exec(CREATE_MIGRATIONS_TABLE);
    const rows = await session.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const applied = new Map(rows.map((r) => [r.migration_name, r.checksum]));
    const done: string[] = [];
    for (const migration of migrations) {
      const checksum = applied.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum)
          throw new Error(
            `migration ${migration.name} was changed after it was applied (checksum ${checksum} in the database)`,
          );
        continue;
      }
      await session.exec('BEGIN');
      try {
        await session.exec(migration.sql);
        await session.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
           VALUES ($1, $2, now(), $3, 1)`,
          [randomUUID(), migration.checksum, migration.name],
        );
        await session.exec('COMMIT');
      } catch (err) {
        await session.exec('ROLLBACK');
        throw err;
      }
      done.push(migration.name);
    }
    return done;
  } finally {
    await session.exec(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
  }
}
