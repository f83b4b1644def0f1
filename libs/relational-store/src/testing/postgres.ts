import { uniqueName } from '@industrialmind/testing';
import { Client } from 'pg';
import { createPostgresRelationalStore } from '../postgres.adapter';
import type { PrismaRelationalStore } from '../prisma-store';

/** The database integration tests use: DATABASE_URL, or the one infrastructure/local/postgres.sh runs. */
export function testDatabaseUrl(): string {
  return process.env.DATABASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5432/postgres';
}

const START_HINT = 'start it with: infrastructure/local/postgres.sh start';

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Fails (never skips) with the command that starts PostgreSQL when none answers; for a suite's beforeAll. */
export async function requirePostgres(url: string = testDatabaseUrl()): Promise<void> {
  try {
    await withClient(url, (c) => c.query('SELECT 1'));
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${url.replace(/:[^:@/]*@/, ':***@')}: ${String(err)}; ${START_HINT}`,
    );
  }
}

/** A migrated store in a schema of its own; `drop()` closes nothing, it removes the schema. */
export interface PostgresTestStore {
  store: PrismaRelationalStore;
  schema: string;
  url: string;
  drop(): Promise<void>;
}

export async function createPostgresTestStore(
  options: { url?: string; prefix?: string; schema?: string; poolMax?: number } = {},
): Promise<PostgresTestStore> {
  const url = options.url ?? testDatabaseUrl();
  const schema = options.schema ?? uniqueName(options.prefix ?? 'rs').replace(/-/g, '_');
  const store = createPostgresRelationalStore({ url, schema, poolMax: options.poolMax ?? 5 });
  await store.connect();
  return { store, schema, url, drop: () => dropSchema(url, schema) };
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  await withClient(url, (c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
}
