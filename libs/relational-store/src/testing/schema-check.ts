import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlSession } from '../migrate';

/** prisma/schema.prisma of this package. */
export const SCHEMA_PATH = join(__dirname, '..', '..', 'prisma', 'schema.prisma');

/**
 * Objects the migrations create that schema.prisma cannot express; listed here so that the comparison below
 * still fails on anything else that differs.
 */
export const SQL_ONLY_OBJECTS = [
  "unique alerts(machine_id,cause_key) WHERE (status <> 'resolved'::alert_status)",
  "check alerts: CHECK (((status <> 'resolved'::alert_status) OR (resolution_reason IS NOT NULL)))",
];

const SCALARS: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Boolean: 'boolean',
  DateTime: 'timestamp without time zone',
  Json: 'jsonb',
};

const ON_DELETE: Record<string, string> = {
  Cascade: 'CASCADE',
  SetNull: 'SET NULL',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
};

interface FieldLine {
  name: string;
  type: string;
  optional: boolean;
  list: boolean;
  attrs: string;
}

const mapped = (attrs: string, fallback: string, attr = '@map'): string =>
  new RegExp(`${attr}\\("([^"]+)"\\)`).exec(attrs)?.[1] ?? fallback;

const listArg = (text: string, key?: string): string[] => {
  const m = key ? new RegExp(`${key}:\\s*\\[([^\\]]*)\\]`).exec(text) : /\[([^\]]*)\]/.exec(text);
  return m ? m[1]!.split(',').map((s) => s.trim()) : [];
};

/**
 * What schema.prisma says the database holds, as one line per object (column, key, index, foreign key, enum), in
 * the same form {@link describeDatabase} reads it back from PostgreSQL's catalogs. A small parser for the subset
 * of the Prisma schema language this schema uses (the schema engine that would diff it is not available here).
 */
export function describePrismaSchema(text: string = readFileSync(SCHEMA_PATH, 'utf8')): string[] {
  const blocks = [...text.matchAll(/^(model|enum)\s+(\w+)\s*\{([\s\S]*?)^\}/gm)];
  const enums = new Map<string, string>();
  const tables = new Map<string, string>();
  for (const [, kind, name, body] of blocks) {
    const table = mapped(body!, name!, '@@map');
    if (kind === 'enum') enums.set(name!, table);
    else tables.set(name!, table);
  }
  const out: string[] = [];
  for (const [, kind, name, body] of blocks) {
    const lines = body!
      .split('\n')
      .map((l) => l.replace(/\/\/.*$/, '').trim())
      .filter((l) => l.length > 0);
    if (kind === 'enum') {
      const values = lines.filter((l) => !l.startsWith('@@'));
      out.push(`enum ${enums.get(name!)}: ${values.join(',')}`);
      continue;
    }
    const table = tables.get(name!)!;
    const fields: FieldLine[] = lines
      .filter((l) => !l.startsWith('@@'))
      .map((l) => {
        const m = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(l)!;
        return { name: m[1]!, type: m[2]!, list: !!m[3], optional: !!m[4], attrs: m[5] ?? '' };
      });
    const column = new Map(fields.map((f) => [f.name, mapped(f.attrs, f.name)]));
    const cols = (names: string[]) => names.map((n) => column.get(n) ?? n).join(',');
    for (const f of fields) {
      if (tables.has(f.type)) {
        const rel = /@relation\(([^)]*)\)/.exec(f.attrs)?.[1];
        if (rel && rel.includes('fields:')) {
          const onDelete = /onDelete:\s*(\w+)/.exec(rel)?.[1] ?? (f.optional ? 'SetNull' : 'Restrict');
          out.push(
            `fk ${table}(${cols(listArg(rel, 'fields'))}) -> ${tables.get(f.type)} ON DELETE ${ON_DELETE[onDelete]}`,
          );
        }
        continue;
      }
      let type = enums.has(f.type) ? `enum ${enums.get(f.type)}` : SCALARS[f.type]!;
      if (f.attrs.includes('@db.Uuid')) type = 'uuid';
      if (f.attrs.includes('@db.Timestamptz')) type = 'timestamp with time zone';
      out.push(`column ${table}.${column.get(f.name)} ${type}${f.optional ? '' : ' NOT NULL'}`);
      if (/@id\b/.test(f.attrs)) out.push(`pk ${table}(${column.get(f.name)})`);
      if (/@unique\b/.test(f.attrs)) out.push(`unique ${table}(${column.get(f.name)})`);
    }
    for (const l of lines.filter((x) => x.startsWith('@@'))) {
      if (l.startsWith('@@index')) out.push(`index ${table}(${cols(listArg(l))})`);
      if (l.startsWith('@@unique')) out.push(`unique ${table}(${cols(listArg(l))})`);
      if (l.startsWith('@@id')) out.push(`pk ${table}(${cols(listArg(l))})`);
    }
  }
  return out.sort();
}

/** The same description read from the catalogs of the session's current schema (Prisma's own table excluded). */
export async function describeDatabase(session: Pick<SqlSession, 'query'>): Promise<string[]> {
  const out: string[] = [];
  const columns = await session.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    udt_name: string;
    is_nullable: string;
  }>(
    `SELECT table_name::text, column_name::text, data_type::text, udt_name::text, is_nullable::text
     FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations'`,
  );
  for (const c of columns) {
    const type = c.data_type === 'USER-DEFINED' ? `enum ${c.udt_name}` : c.data_type;
    out.push(`column ${c.table_name}.${c.column_name} ${type}${c.is_nullable === 'NO' ? ' NOT NULL' : ''}`);
  }
  const indexes = await session.query<{
    table_name: string;
    is_unique: boolean;
    is_primary: boolean;
    predicate: string | null;
    columns: string;
  }>(
    `SELECT t.relname::text AS table_name, ix.indisunique AS is_unique, ix.indisprimary AS is_primary,
            pg_get_expr(ix.indpred, ix.indrelid) AS predicate,
            string_agg(a.attname::text, ',' ORDER BY k.ord) AS columns
     FROM pg_index ix
     JOIN pg_class t ON t.oid = ix.indrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
     WHERE n.nspname = current_schema() AND t.relname <> '_prisma_migrations'
     GROUP BY t.relname, ix.indexrelid, ix.indisunique, ix.indisprimary, ix.indpred, ix.indrelid`,
  );
  for (const i of indexes) {
    const kind = i.is_primary ? 'pk' : i.is_unique ? 'unique' : 'index';
    out.push(`${kind} ${i.table_name}(${i.columns})${i.predicate ? ` WHERE ${i.predicate}` : ''}`);
  }
  const constraints = await session.query<{
    table_name: string;
    kind: string;
    columns: string;
    ref_table: string | null;
    on_delete: string;
    definition: string;
  }>(
    `SELECT t.relname::text AS table_name, c.contype::text AS kind,
            (SELECT string_agg(a.attname::text, ',' ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS columns,
            r.relname::text AS ref_table, c.confdeltype::text AS on_delete, pg_get_constraintdef(c.oid) AS definition
     FROM pg_constraint c
     JOIN pg_class t ON t.oid = c.conrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     LEFT JOIN pg_class r ON r.oid = c.confrelid
     WHERE n.nspname = current_schema() AND c.contype IN ('f', 'c') AND t.relname <> '_prisma_migrations'`,
  );
  const deleteRule: Record<string, string> = { c: 'CASCADE', n: 'SET NULL', r: 'RESTRICT', a: 'NO ACTION' };
  for (const c of constraints) {
    if (c.kind === 'f')
      out.push(`fk ${c.table_name}(${c.columns}) -> ${c.ref_table} ON DELETE ${deleteRule[c.on_delete]}`);
    else out.push(`check ${c.table_name}: ${c.definition}`);
  }
  const enums = await session.query<{ name: string; labels: string }>(
    `SELECT t.typname::text AS name, string_agg(e.enumlabel::text, ',' ORDER BY e.enumsortorder) AS labels
     FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = current_schema() GROUP BY t.typname`,
  );
  for (const e of enums) out.push(`enum ${e.name}: ${e.labels}`);
  return out.sort();
}
