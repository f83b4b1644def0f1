import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnomalyModelMetadataSchema } from './metadata';

const raw = JSON.parse(
  readFileSync(join(__dirname, '..', 'test', 'fixtures', 'tiny.json'), 'utf8'),
) as Record<string, unknown>;

describe('AnomalyModelMetadataSchema', () => {
  it('accepts the trainer output', () => {
    expect(AnomalyModelMetadataSchema.safeParse(raw).success).toBe(true);
  });

  it('rejects a cold start shorter than the window, naming the field', () => {
    const result = AnomalyModelMetadataSchema.safeParse({ ...raw, cold_start: { readings: 3 } });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual(['cold_start', 'readings']);
  });

  it('rejects source columns that do not match the channels', () => {
    const result = AnomalyModelMetadataSchema.safeParse({ ...raw, source_columns: ['Flow'] });
    expect(result.error!.issues[0]!.path).toEqual(['source_columns']);
  });
});
