import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGenerate } from './generate';
import {
  GENERATE_COMMAND,
  SCHEMAS_DIR,
  findSchemaDrift,
  generateJsonSchemas,
  writeJsonSchemas,
} from './json-schema';

describe(generateJsonSchemas.name, () => {
  it('schemas are up to date', () => {
    const drift = findSchemaDrift(SCHEMAS_DIR);

    if (drift.length > 0) {
      throw new Error(
        `libs/contracts/schemas drifted from the zod schemas (${drift.join(', ')}). Run \`${GENERATE_COMMAND}\` and commit the result.`,
      );
    }
  });

  it('writes one file per topic plus the row form and the machine type, as pretty JSON with a trailing newline', () => {
    const sut = generateJsonSchemas();

    expect([...sut.keys()].sort()).toEqual([
      'alerts.schema.json',
      'anomaly-detected.schema.json',
      'machine-type.schema.json',
      'maintenance-predictions.schema.json',
      'sensor-readings-rows.schema.json',
      'sensor-readings.schema.json',
    ]);
    for (const text of sut.values()) {
      expect(text.endsWith('}\n')).toBe(true);
      expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    }
  });

  it('is deterministic', () => {
    expect(generateJsonSchemas()).toEqual(generateJsonSchemas());
  });

  it('annotates each topic schema with its topic, key and version, and keeps it open to newer fields', () => {
    const sut = JSON.parse(generateJsonSchemas().get('sensor-readings.schema.json')!) as Record<
      string,
      unknown
    >;

    expect(sut).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'sensor-readings.schema.json',
      'x-topic': 'sensor-readings',
      'x-kafka-key': 'machine_id',
      'x-schema-version': '1.2',
      required: ['schema_version', 'reading_id', 'timestamp', 'machine_id', 'machine_type', 'readings'],
    });
    expect(sut).not.toHaveProperty('additionalProperties');
  });
});

describe(runGenerate.name, () => {
  let dir: string;
  const out = {
    text: '',
    write(chunk: string) {
      this.text += chunk;
    },
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'contracts-schemas-'));
    out.text = '';
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the schemas and removes ones no longer generated', () => {
    writeFileSync(join(dir, 'old-topic.schema.json'), '{}\n');
    writeFileSync(join(dir, 'README.txt'), 'kept');

    const sut = runGenerate([], { dir, out });

    expect(sut).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([...generateJsonSchemas().keys(), 'README.txt'].sort());
    expect(out.text).toContain('wrote 6 schemas');
  });

  it('--check passes on freshly written schemas', () => {
    writeJsonSchemas(dir);

    expect(runGenerate(['--check'], { dir, out })).toBe(0);
    expect(out.text).toContain('up to date');
  });

  it('--check fails naming the drifted files and the command that fixes them', () => {
    writeJsonSchemas(dir);
    const file = join(dir, 'alerts.schema.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"alerts"', '"alarms"'));
    rmSync(join(dir, 'machine-type.schema.json'));
    writeFileSync(join(dir, 'stale.schema.json'), '{}\n');

    const sut = runGenerate(['--check'], { dir, out });

    expect(sut).toBe(1);
    expect(out.text).toBe(
      'JSON schemas are out of date: alerts.schema.json (out of date), machine-type.schema.json (missing), stale.schema.json (no longer generated). Run `pnpm --filter @industrialmind/contracts generate` and commit the result.\n',
    );
  });

  it('--check reports every file missing when the directory does not exist', () => {
    expect(runGenerate(['--check'], { dir: join(dir, 'nope'), out })).toBe(1);
    expect(out.text).toContain('sensor-readings.schema.json (missing)');
  });
});
