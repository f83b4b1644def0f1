// `pnpm --filter @industrialmind/contracts generate` writes libs/contracts/schemas/*.schema.json;
// `check:schemas` (`--check`) exits 1 when the committed files differ from what the zod schemas generate.
import { GENERATE_COMMAND, SCHEMAS_DIR, findSchemaDrift, writeJsonSchemas } from './json-schema';

export interface GenerateIo {
  dir?: string;
  out?: { write(text: string): unknown };
}

/** The CLI: returns the exit code. */
export function runGenerate(
  argv: readonly string[],
  { dir = SCHEMAS_DIR, out = process.stdout }: GenerateIo = {},
): number {
  if (argv.includes('--check')) {
    const drift = findSchemaDrift(dir);
    if (drift.length > 0) {
      out.write(
        `JSON schemas are out of date: ${drift.join(', ')}. Run \`${GENERATE_COMMAND}\` and commit the result.\n`,
      );
      return 1;
    }
    out.write(`JSON schemas in ${dir} are up to date.\n`);
    return 0;
  }
  const written = writeJsonSchemas(dir);
  out.write(`wrote ${written.length} schemas to ${dir}: ${written.join(', ')}\n`);
  return 0;
}

if (require.main === module) {
  process.exitCode = runGenerate(process.argv.slice(2));
}
