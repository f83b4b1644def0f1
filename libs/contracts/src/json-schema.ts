import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { AlertSchema } from './alert';
import { AnomalyDetectedSchema } from './anomaly-detected';
import { MachineTypeSchema } from './machine-type';
import { MaintenancePredictionSchema } from './maintenance-prediction';
import { SensorReadingSchema } from './sensor-reading';
import { SensorReadingRowsSchema } from './sensor-reading-rows';
import { KAFKA_KEY_FIELD, SCHEMA_VERSIONS, TOPICS, type Topic } from './topics';

/** Where the committed schemas live: `libs/contracts/schemas`, from both `src/` (jest) and `dist/` (node). */
export const SCHEMAS_DIR = resolve(__dirname, '..', 'schemas');

export const GENERATE_COMMAND = 'pnpm --filter @industrialmind/contracts generate';

const TOPIC_SCHEMAS: { readonly [T in Topic]: z.ZodType } = {
  [TOPICS.SENSOR_READINGS]: SensorReadingSchema,
  [TOPICS.ANOMALY_DETECTED]: AnomalyDetectedSchema,
  [TOPICS.MAINTENANCE_PREDICTIONS]: MaintenancePredictionSchema,
  [TOPICS.ALERTS]: AlertSchema,
};

function toJsonSchema(schema: z.ZodType): Record<string, unknown> {
  // "input" describes what a writer may send: optional fields are optional and unknown fields are allowed,
  // which is the forward-compatibility promise (readers ignore fields from newer MINOR versions).
  return z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
}

/** Pretty JSON with a trailing newline; identification and annotations first, for people reading the file. */
function render(schema: z.ZodType, id: string, annotations: Record<string, string>): string {
  const { $schema, title, description, ...rest } = toJsonSchema(schema);
  const document = { $schema, $id: id, title, description, ...annotations, ...rest };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * The JSON Schema files, by file name: one per topic plus `machine-type.schema.json`. Pure and
 * deterministic: the same schemas give byte-identical text.
 */
export function generateJsonSchemas(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [topic, schema] of Object.entries(TOPIC_SCHEMAS) as Array<[Topic, z.ZodType]>) {
    files.set(
      `${topic}.schema.json`,
      render(schema, `${topic}.schema.json`, {
        'x-topic': topic,
        'x-kafka-key': KAFKA_KEY_FIELD,
        'x-schema-version': SCHEMA_VERSIONS[topic],
      }),
    );
  }
  files.set(
    'sensor-readings-rows.schema.json',
    render(SensorReadingRowsSchema, 'sensor-readings-rows.schema.json', {
      'x-topic': TOPICS.SENSOR_READINGS,
      'x-kafka-key': KAFKA_KEY_FIELD,
      'x-schema-version': SCHEMA_VERSIONS[TOPICS.SENSOR_READINGS],
    }),
  );
  files.set('machine-type.schema.json', render(MachineTypeSchema, 'machine-type.schema.json', {}));
  return files;
}

/**
 * Writes every schema file into `dir` (created if needed) and deletes `*.schema.json` files that are no longer
 * generated; returns the file names written.
 */
export function writeJsonSchemas(dir: string = SCHEMAS_DIR): string[] {
  mkdirSync(dir, { recursive: true });
  const files = generateJsonSchemas();
  for (const name of readDirSafe(dir)) {
    if (name.endsWith('.schema.json') && !files.has(name)) rmSync(join(dir, name));
  }
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  return [...files.keys()];
}

/** Files in `dir` that are missing, differ from what the schemas generate, or are stale leftovers. */
export function findSchemaDrift(dir: string = SCHEMAS_DIR): string[] {
  const expected = generateJsonSchemas();
  const onDisk = new Set(readDirSafe(dir).filter((name) => name.endsWith('.schema.json')));
  const drift: string[] = [];
  for (const [name, text] of expected) {
    if (!onDisk.has(name)) drift.push(`${name} (missing)`);
    else if (readFileSync(join(dir, name), 'utf8') !== text) drift.push(`${name} (out of date)`);
  }
  for (const name of onDisk) if (!expected.has(name)) drift.push(`${name} (no longer generated)`);
  return drift.sort();
}

function readDirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
