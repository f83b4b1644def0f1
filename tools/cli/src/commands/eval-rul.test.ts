import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from '../cli';
import { createFakeContext } from '../testing/fake-context';
import { evaluateRul, phm08Term, toCsv } from './eval-rul';

const MODELS = join(REPO_ROOT, 'services', 'rul-api', 'models');

interface Meta {
  window: number;
  normalisation: { condition_centroids: number[][]; mean: number[][]; sensor_channels: string[] };
  channels: string[];
}

/** A C-MAPSS-format file of `engines` engines whose readings sit at the FD001 model's healthy mean. */
function writeEngines(dir: string, engines: number, cycles: (u: number) => number): string {
  const meta = JSON.parse(readFileSync(join(MODELS, 'rul-cmapss-fd001.json'), 'utf8')) as Meta;
  const row: number[] = meta.channels.map(() => 1);
  meta.normalisation.condition_centroids[0]!.forEach((v, i) => (row[i] = v));
  meta.normalisation.sensor_channels.forEach(
    (c, i) => (row[meta.channels.indexOf(c)] = meta.normalisation.mean[0]![i]!),
  );
  const lines: string[] = [];
  for (let u = 1; u <= engines; u++)
    for (let c = 1; c <= cycles(u); c++)
      lines.push([u, c, ...row.map((v, i) => v + ((c * (i + 1)) % 3) * 0.001)].join(' '));
  const file = join(dir, 'test_FD001.txt');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe('eval rul', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'eval-rul-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('scores the PHM08 asymmetry: late costs more than early', () => {
    expect(phm08Term(10, 0)).toBeCloseTo(Math.E - 1);
    expect(phm08Term(0, 13)).toBeCloseTo(Math.E - 1);
    expect(phm08Term(5, 5)).toBe(0);
  });

  it('forecasts every engine once with the model rul-api would pick, and scores against the truth', async () => {
    const test = writeEngines(dir, 3, (u) => 10 * u + 5);
    writeFileSync(join(dir, 'RUL_FD001.txt'), '100\n80\n120\n');
    const sut = await evaluateRul({
      testFile: test,
      truthFile: join(dir, 'RUL_FD001.txt'),
      modelsDir: MODELS,
    });
    expect(sut.model).toBe('rul-cmapss-fd001');
    expect(sut.rows.map((r) => r.unit)).toEqual([1, 2, 3]);
    for (const r of sut.rows) {
      expect(r.lower).toBeLessThanOrEqual(r.predicted);
      expect(r.predicted).toBeLessThanOrEqual(r.upper);
    }
    const truth = [100, 80, 120];
    const rmse = Math.sqrt(sut.rows.reduce((s, r, i) => s + (r.predicted - truth[i]!) ** 2, 0) / 3);
    expect(sut.rmse).toBeCloseTo(rmse, 10);
    expect(sut.phm08).toBeCloseTo(
      sut.rows.reduce((s, r, i) => s + phm08Term(r.predicted, truth[i]!), 0),
      10,
    );
    expect(toCsv(sut.rows).split('\n')[0]).toBe('unit,predicted_rul,lower,upper');
  });

  it('writes the CSV and prints the scores through the CLI', async () => {
    const test = writeEngines(dir, 2, () => 40);
    writeFileSync(join(dir, 'RUL.txt'), '50\n60\n');
    const out = join(dir, 'out.csv');
    const fake = createFakeContext({ repoRoot: REPO_ROOT });
    const code = await runCli(
      ['eval', 'rul', '--test', test, '--truth', join(dir, 'RUL.txt'), '--out', out],
      fake.ctx,
    );
    expect(fake.stderr()).toBe('');
    expect(code).toBe(0);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(3);
    expect(fake.stdout()).toMatch(/RMSE +\d+\.\d\d\nPHM08 +\d+\.\d\ncoverage +\d+\.\d %/);
  });

  it.each([
    [['eval'], 'the task must be one of anomaly, rul'],
    [['eval', 'rul', '--out', 'x.csv'], '--test is required'],
    [['eval', 'rul', '--test', '/nope/test_FD001.txt', '--out', 'x'], 'does not exist'],
  ])('rejects %j with a usage error', async (argv, message) => {
    const fake = createFakeContext({ repoRoot: REPO_ROOT });
    expect(await runCli(argv, fake.ctx)).toBe(2);
    expect(fake.stderr()).toContain(message);
  });

  it('rejects a truth file of the wrong length and an unknown model', async () => {
    const test = writeEngines(dir, 2, () => 20);
    writeFileSync(join(dir, 'RUL.txt'), '50\n');
    await expect(
      evaluateRul({ testFile: test, truthFile: join(dir, 'RUL.txt'), modelsDir: MODELS }),
    ).rejects.toThrow('--truth has 1 values but --test has 2 engines');
    await expect(evaluateRul({ testFile: test, modelsDir: MODELS, model: 'nope' })).rejects.toThrow(
      'no model named "nope"',
    );
  });
});
