import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

describe(`${forecastBatch.name} with history inputs`, () => {
  const DIR = join(__dirname, '..', 'test', 'fixtures-history');
  let model: RulModel;
  beforeAll(async () => {
    model = await loadOnnxRulModel(DIR, 'rul-fixture-history.json');
  });
  afterAll(() => model.close());

  const expected = JSON.parse(readFileSync(join(DIR, 'rul-fixture-history.expected'), 'utf8')) as {
    cases: Array<{ readings: number[][]; output: [number, number, number] }>;
  };

  it('builds the start and age inputs as the trainer does: PyTorch outputs for whole histories', async () => {
    expect(model.metadata.history).toMatchObject({
      start_readings: 3,
      start_input: 'start',
      age_input: 'age',
    });
    const sut = await forecastBatch(
      model,
      expected.cases.map((c) => c.readings),
    );
    expect(new Set(expected.cases.map((c) => c.readings.length)).size).toBeGreaterThan(4);
    sut.forEach((f, i) => {
      const [point, , upper] = expected.cases[i]!.output;
      // forecastBatch rounds to 0.01 (the interval outwards).
      expect(Math.abs(f.predicted_rul - point)).toBeLessThanOrEqual(0.006);
      expect(Math.abs(f.confidence_interval.upper - upper)).toBeLessThanOrEqual(0.011);
    });
  });

  it('gives a machine the same forecast from its whole history or from its recent and first readings and count', async () => {
    const whole = expected.cases.find((c) => c.readings.length >= 9)!.readings;
    const [fromWhole] = await forecastBatch(model, [whole]);
    const [fromState] = await forecastBatch(model, [
      { recent: whole.slice(-5), start: whole.slice(0, 3), count: whole.length },
    ]);
    expect(fromState).toEqual(fromWhole);
    // The age matters: the same readings said to come later in the machine's life give another forecast.
    const [older] = await forecastBatch(model, [
      { recent: whole.slice(-5), start: whole.slice(0, 3), count: whole.length + 40 },
    ]);
    expect(older!.predicted_rul).not.toEqual(fromWhole!.predicted_rul);
  });

  it('refuses to load when the metadata and the graph disagree on the inputs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rul-history-'));
    try {
      const meta = JSON.parse(readFileSync(join(DIR, 'rul-fixture-history.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      copyFileSync(join(DIR, 'rul-fixture-history.onnx'), join(dir, 'rul-fixture-history.onnx'));
      const { history: _history, ...withoutHistory } = meta;
      writeFileSync(join(dir, 'm.json'), JSON.stringify(withoutHistory));
      await expect(loadOnnxRulModel(dir, 'm.json')).rejects.toThrow(
        'rul-fixture-history.onnx takes inputs window, start, age, metadata names window',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to run without its history inputs or with the wrong sizes', async () => {
    const windows = new Float32Array(20);
    await expect(model.predict(windows, 1)).rejects.toThrow('needs history inputs');
    await expect(
      model.predict(windows, 1, { start: new Float32Array(11), age: new Float32Array(1) }),
    ).rejects.toThrow('expected 12 start values and 1 ages');
    await expect(model.predict(new Float32Array(0), 0)).resolves.toEqual([]);
  });
});
