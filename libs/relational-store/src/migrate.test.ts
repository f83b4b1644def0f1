import { PGlite } from '@electric-sql/pglite';
import { applyMigrations, readMigrations, type SqlSession } from './migrate';
import { SQL_ONLY_OBJECTS, describeDatabase, describePrismaSchema } from './testing';

function session(db: PGlite): SqlSession {
  return {
    exec: async (sql) => {
      await db.exec(sql);
    },
    query: async <T>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
  };
}

describe(applyMigrations.name, () => {
  let db: PGlite;
  beforeEach(async () => {
    db = new PGlite();
    await db.waitReady;
  });
  afterEach(() => db.close());

  it('builds a database that matches schema.prisma, plus only the listed SQL-only constraints', async () => {
    await applyMigrations(session(db));
    const expected = [...describePrismaSchema(), ...SQL_ONLY_OBJECTS].sort();
    expect(await describeDatabase(session(db))).toEqual(expected);
  });

  it('records migrations the way Prisma does and applies each once', async () => {
    const migrations = readMigrations();
    expect(migrations.map((m) => m.name)).toEqual(['20261128060000_init', '20261128063000_rule_hysteresis']);
    expect(await applyMigrations(session(db), migrations.slice(0, 1))).toEqual(['20261128060000_init']);
    expect(await applyMigrations(session(db))).toEqual(['20261128063000_rule_hysteresis']);
    expect(await applyMigrations(session(db))).toEqual([]);
    const { rows } = await db.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations"',
    );
    expect(rows).toEqual(
      migrations.map((m) => ({
        migration_name: m.name,
        checksum: m.checksum,
        finished_at: expect.any(Date),
      })),
    );
    expect(migrations[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a database whose applied migration was edited afterwards, and rolls back a failing one', async () => {
    const [init] = readMigrations();
    await applyMigrations(session(db), [init!]);
    await expect(applyMigrations(session(db), [{ ...init!, checksum: 'f'.repeat(64) }])).rejects.toThrow(
      /was changed after it was applied/,
    );
    const broken = {
      name: '20261128070000_broken',
      sql: 'CREATE TABLE x (a int); SELECT nope;',
      checksum: 'b',
    };
    await expect(applyMigrations(session(db), [init!, broken])).rejects.toThrow();
    const { rows } = await db.query("SELECT to_regclass('x') AS t");
    expect(rows).toEqual([{ t: null }]);
  });
});

describe(describePrismaSchema.name, () => {
  it('reads models, mapped names, optionality, keys, indexes, relations and enums', () => {
    const text = `
enum Color {
  red
  blue
  @@map("color")
}
model Parent {
  id    String  @id @db.Uuid
  kids  Child[]
  @@map("parents")
}
model Child {
  id       BigInt   @id @default(autoincrement())
  parentId String?  @map("parent_id") @db.Uuid // comment
  color    Color
  at       DateTime @db.Timestamptz(3)
  code     String   @unique
  parent   Parent?  @relation(fields: [parentId], references: [id])
  @@index([parentId, at])
  @@unique([code, color])
  @@map("children")
}`;
    expect(describePrismaSchema(text)).toEqual(
      [
        'enum color: red,blue',
        'column parents.id uuid NOT NULL',
        'pk parents(id)',
        'column children.id bigint NOT NULL',
        'pk children(id)',
        'column children.parent_id uuid',
        'column children.color enum color NOT NULL',
        'column children.at timestamp with time zone NOT NULL',
        'column children.code text NOT NULL',
        'unique children(code)',
        'fk children(parent_id) -> parents ON DELETE SET NULL',
        'index children(parent_id,at)',
        'unique children(code,color)',
      ].sort(),
    );
  });
});
