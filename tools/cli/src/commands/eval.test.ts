import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../cli';
import { metrics, parseSkabCsv } from '../eval/skab-eval';
import { createFakeContext } from '../testing/fake-context';

const REPO = resolve(__dirname, '..', '..', '..', '..');
const HEADER =
  'datetime;Accelerometer1RMS;Accelerometer2RMS;Current;Pressure;Temperature;Thermocouple;Voltage;Volume Flow RateRMS';

/** A SKAB-format experiment: 400 normal rows, then 200 normal, 150 with the flow 5 l/min down, 100 normal. */
function skabFile(labels: boolean, seed = 1): string {
  let s = seed;
  const noise = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 2;
  const lines = [labels ? `${HEADER};anomaly;changepoint` : HEADER];
  for (let i = 0; i < 850; i++) {
    const isFault = i >= 600 && i < 750;
    const flow = Math.round(32 + noise() * 0.8 - (isFault ? 5 : 0));
    const sec = String(i % 60).padStart(2, '0');
    const min = String(Math.floor(i / 60) % 60).padStart(2, '0');
    const row = `2020-03-09 10:${min}:${sec};0.027;0.04;1.33;0.05;79;26;233;${flow}`;
    lines.push(labels ? `${row};${isFault ? '1.0' : '0.0'};0.0` : row);
  }
  return `${lines.join('\r\n')}\r\n`;
}

describe('eval anomaly', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'eval-'));
    mkdirSync(join(dir, 'data', 'valve'), { recursive: true });
    writeFileSync(join(dir, 'data', 'valve', '10.csv'), skabFile(true, 1));
    writeFileSync(join(dir, 'data', 'valve', '2.csv'), skabFile(true, 2));
    writeFileSync(join(dir, 'data', 'free.csv'), skabFile(false));
    writeFileSync(join(dir, 'data', 'notes.csv'), 'a;b\n1;2\n');
  });
  afterEach(() => rmSync(dir, { recursive: true }));

  it('scores every labelled file after its 400 training rows and prints F1, FAR and MAR', async () => {
    const fake = createFakeContext({ repoRoot: REPO });
    const out = join(dir, 'scores.csv');
    const code = await runCli(
      ['eval', 'anomaly', '--data', join(dir, 'data'), '--out', out, '--json'],
      fake.ctx,
    );
    expect(fake.stderr()).toBe('');
    expect(code).toBe(0);
    const summary = JSON.parse(fake.stdout()) as {
      [k in 'files' | 'tp' | 'fp' | 'fn' | 'tn' | 'f1' | 'far']: number;
    } & { skipped: { file: string }[] };
    expect(summary.files).toBe(2);
    expect(summary.skipped.map((s) => s.file).sort()).toEqual(['free.csv', 'notes.csv']);
    expect(summary.tp + summary.fp + summary.fn + summary.tn).toBe(2 * 450);
    // The flow drop is plain in this data: the committed SKAB model must catch most of it. Its policy holds an
    // event for 30 readings after the flow recovers (off_count), which here costs ~30 of 300 normal rows per file.
    expect(summary.f1).toBeGreaterThan(0.8);
    expect(summary.far).toBeLessThan(0.25);
    const csv = readFileSync(out, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('file,row,datetime,score,anomaly');
    expect(csv).toHaveLength(1 + 900);
    // Files in natural order, rows 0-based data rows from 400.
    expect(csv[1]).toMatch(/^valve\/2\.csv,400,2020-03-09 10:06:40,[0-9.e-]+,[01]$/);
    expect(csv[451]).toMatch(/^valve\/10\.csv,400,/);
  });

  it('prints a readable summary by default', async () => {
    const fake = createFakeContext({ repoRoot: REPO });
    const code = await runCli(
      ['eval', 'anomaly', '--data', join(dir, 'data'), '--out', join(dir, 's.csv')],
      fake.ctx,
    );
    expect(code).toBe(0);
    expect(fake.stdout()).toMatch(/F1 +0\.\d{4}\nFAR +\d+\.\d\d %\nMAR +\d+\.\d\d %/);
    expect(fake.stderr()).toContain('[2/2] valve/10.csv');
  });

  it('refuses a bad command line with a usage error', async () => {
    const fake = createFakeContext({ repoRoot: REPO });
    expect(await runCli(['eval', 'rul'], fake.ctx)).toBe(2);
    expect(await runCli(['eval', 'anomaly', '--out', 'x.csv'], fake.ctx)).toBe(2);
    expect(await runCli(['eval', 'anomaly', '--data', join(dir, 'nope'), '--out', 'x.csv'], fake.ctx)).toBe(
      2,
    );
    expect(
      await runCli(['eval', 'anomaly', '--data', dir, '--out', 'x', '--train-rows', '5'], fake.ctx),
    ).toBe(2);
    expect(fake.stderr()).toContain('--data is required');
    expect(fake.stderr()).toContain('calibrates on 400 readings');
  });

  it('fails when the folder holds no labelled SKAB file', async () => {
    const fake = createFakeContext({ repoRoot: REPO });
    rmSync(join(dir, 'data', 'valve'), { recursive: true });
    expect(
      await runCli(['eval', 'anomaly', '--data', join(dir, 'data'), '--out', join(dir, 's.csv')], fake.ctx),
    ).toBe(1);
    expect(fake.stderr()).toContain('no labelled SKAB-format CSV');
  });

  it('shows help', async () => {
    const fake = createFakeContext({ repoRoot: REPO });
    expect(await runCli(['eval', '--help'], fake.ctx)).toBe(0);
    expect(fake.stdout()).toContain('Usage: industrialmind eval anomaly');
  });
});

describe(parseSkabCsv.name, () => {
  it('names the file, line and column of a bad value', () => {
    const text = `${HEADER}\n2020-01-01 00:00:00;1;1;1;1;1;1;1;x\n`;
    const columns = [{ source: 'Volume Flow RateRMS', channel: 'flow' }];
    expect(() => parseSkabCsv(text, columns, 'f.csv')).toThrow(
      'f.csv: line 2: "Volume Flow RateRMS" is not a number',
    );
  });
});

describe(metrics.name, () => {
  it('computes F1, FAR and MAR and treats empty denominators as 0', () => {
    expect(metrics({ tp: 8, fp: 2, fn: 2, tn: 8 })).toEqual({ f1: 0.8, far: 0.2, mar: 0.2 });
    expect(metrics({ tp: 0, fp: 0, fn: 0, tn: 0 })).toEqual({ f1: 0, far: 0, mar: 0 });
  });
});
