import { isSecretField } from '@industrialmind/config';
import type { z } from 'zod';

export const CONFIG_TABLE_START =
  '<!-- config-table:start (generated from src/config.ts: pnpm docs:config) -->';
export const CONFIG_TABLE_END = '<!-- config-table:end -->';

function formatDefault(value: unknown): string {
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

/**
 * The README's configuration table, from the env schema's own `.describe()` texts and defaults, so that the two
 * cannot drift (STYLE.md: one source for docs and Helm values). A field that parses `undefined` to a value has
 * that default; one that fails is required; the rest are optional.
 */
export function configTable(fields: Record<string, z.ZodType>): string {
  const rows = Object.entries(fields).map(([name, schema]) => {
    const parsed = schema.safeParse(undefined);
    const value = !parsed.success
      ? '**required**'
      : parsed.data === undefined
        ? ''
        : `\`${formatDefault(parsed.data)}\``;
    const description = (schema.description ?? '').replace(/\|/g, '\\|');
    const secret = isSecretField(name, schema) ? ' (secret)' : '';
    return `| \`${name}\` | ${value} | ${description}${secret} |`;
  });
  return ['| Variable | Default | Description |', '| --- | --- | --- |', ...rows].join('\n');
}

/** `readme` with the text between the table markers replaced by `table`; throws if the markers are missing. */
export function withConfigTable(readme: string, table: string): string {
  const start = readme.indexOf(CONFIG_TABLE_START);
  const end = readme.indexOf(CONFIG_TABLE_END);
  if (start < 0 || end < start) throw new Error('README has no config-table markers');
  return `${readme.slice(0, start + CONFIG_TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}
