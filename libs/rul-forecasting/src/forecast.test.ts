import { join } from 'node:path';
import { forecastBatch, toVector } from './forecast';
import { loadOnnxRulModel, type RulModel } from './model';

const FIXTURES = join(__dirname, '..', 'test', 'fixtures');

describe(toVector.name, () => {
  it('orders values as the model channels and names the missing ones', () => {
    const sut = toVector({ b: 2, a: 1, extra: 9 }, ['a', 'b', 'c']);
    expect(Array.from(sut.values.subarray(0, 2))).toEqual([1, 2]);
    expect(sut.missing).toEqual(['c']);
  });

  it('carries the previous value forward for a channel that dropped out', () => {
    const sut = toVector({ a: 1 }, ['a', 'b'], [0, 7]);
    expect(Array.from(sut.values)).toEqual([1, 7]);
    expect(sut.missing).toEqual([]);
  });
});

describe(forecastBatch.name, () => {
  let model: RulModel;
  beforeAll(async () => {
    model = await loadOnnxRulModel(FIXTURES, 'rul-fixture.json');
  });
  afterAll(() => model.close());

  const history = (n: number, temperature: number) =>
    Array.from({ length: n }, (_, i) => [temperature + i, 2.5, 5.5, 12]);

  it('returns one forecast per machine with the point inside its interval and the model facts', async () => {
    const sut = await forecastBatch(model, [history(5, 60), history(2, 90), history(12, 75)]);
    expect(sut).toHaveLength(3);
    for (const f of sut) {
      expect(f.confidence_interval.lower).toBeLessThanOrEqual(f.predicted_rul);
      expect(f.predicted_rul).toBeLessThanOrEqual(f.confidence_interval.upper);
      expect(f.confidence_interval.lower).toBeGreaterThanOrEqual(0);
      expect(f.confidence_interval.level).toBe(0.9);
      expect(f.rul_unit).toBe('hours');
      expect(f.model_version).toBe(model.metadata.model_version);
      expect(['low', 'medium', 'high', 'critical']).toContain(f.priority);
    }
  });

  it('gives the same answer for a machine alone or in a batch', async () => {
    const [alone] = await forecastBatch(model, [history(7, 70)]);
    const batch = await forecastBatch(model, [history(3, 50), history(7, 70)]);
    expect(batch[1]).toEqual(alone);
  });

  it('pads a short history exactly as repeating its first reading would', async () => {
    const short = history(2, 80);
    const padded = [short[0]!, short[0]!, short[0]!, ...short];
    expect(await forecastBatch(model, [short])).toEqual(await forecastBatch(model, [padded]));
  });

  it('rejects a buffer of the wrong size', async () => {
    await expect(model.predict(new Float32Array(7), 1)).rejects.toThrow('expected 20 values');
    await expect(model.predict(new Float32Array(0), 0)).resolves.toEqual([]);
  });
});
