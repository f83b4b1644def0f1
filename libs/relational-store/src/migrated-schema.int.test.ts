import { Client } from 'pg';
import {
  SQL_ONLY_OBJECTS,
  createPostgresTestStore,
  describeDatabase,
  describePrismaSchema,
  requirePostgres,
} from './testing';

beforeAll(() => requirePostgres());

describe('migrations on a real PostgreSQL', () => {
  it('build a database that matches schema.prisma, plus only the listed SQL-only constraints', async () => {
    const t = await createPostgresTestStore({ prefix: 'rs-schema' });
    const client = new Client({ connectionString: t.url, options: `-c search_path="${t.schema}"` });
    await client.connect();
    try {
      const actual = await describeDatabase({
        query: async <T>(sql: string) => (await client.query(sql)).rows as T[],
      });
      expect(actual).toEqual([...describePrismaSchema(), ...SQL_ONLY_OBJECTS].sort());
    } finally {
      await client.end();
      await t.store.close();
      await t.drop();
    }
  });

  it('are applied once when several processes start at the same moment', async () => {
    const first = await createPostgresTestStore({ prefix: 'rs-race' });
    await first.store.close();
    await first.drop();
    const stores = await Promise.all([1, 2, 3].map(() => createPostgresTestStore({ schema: first.schema })));
    const client = new Client({ connectionString: first.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT count(*)::int AS n FROM "${first.schema}"."_prisma_migrations"`,
      );
      expect(rows).toEqual([{ n: 2 }]);
    } finally {
      await client.end();
      for (const s of stores) await s.store.close();
      await first.drop();
    }
  });
});
