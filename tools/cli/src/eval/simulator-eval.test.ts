import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../cli';
import { createFakeContext } from '../testing/fake-context';

const REPO = resolve(__dirname, '..', '..', '..', '..');
const T0 = Date.parse('2026-01-01T00:00:00Z');

/**
 * Two pumps and a mill at 1 reading/s: pump-1's pressure collapses from reading 700 to 900 (a fault in its
 * ground truth), pump-2 stays healthy, and the mill has no model in the folder used here.
 */
function record(dir: string): void {
  let seed = 3;
  const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 2;
  const readings: string[] = [];
  const truth: string[] = [];
  for (let i = 0; i < 1200; i++) {
    for (const [machine, type] of [
      ['pump-1', 'centrifugal-pump'],
      ['pump-2', 'centrifugal-pump'],
      ['mill-1', 'cnc-mill'],
    ] as const) {
      const isFault = machine === 'pump-1' && i >= 700 && i < 900;
      const id = `${machine}-${i}`;
      const timestamp = new Date(T0 + i * 1000).toISOString();
      const values = {
        temperature: 60 + noise(),
        vibration: 3 + noise() * 0.2,
        pressure: (isFault ? 2 : 6) + noise() * 0.1,
        power: 40 + noise(),
      };
      readings.push(
        JSON.stringify({
          reading_id: id,
          machine_id: machine,
          machine_type: type,
          timestamp,
          readings: values,
        }),
      );
      truth.push(JSON.stringify({ reading_id: id, active_faults: isFault ? [{ fault_id: 'f1' }] : [] }));
    }
  }
  writeFileSync(join(dir, 'readings.jsonl'), `${readings.join('\n')}\n`);
  writeFileSync(join(dir, 'truth.jsonl'), `${truth.join('\n')}\n`);
}

describe('eval anomaly --simulator', () => {
  it('reports event recall, detection delay and false alarms per machine-day', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-eval-'));
    record(dir);
    const models = join(dir, 'models');
    const { mkdirSync, copyFileSync } = await import('node:fs');
    mkdirSync(models);
    for (const f of ['centrifugal-pump.json', 'centrifugal-pump.onnx'])
      copyFileSync(join(REPO, 'models', 'anomaly', f), join(models, f));
    const fake = createFakeContext({ repoRoot: REPO });
    const out = join(dir, 's.csv');
    const code = await runCli(
      ['eval', 'anomaly', '--simulator', dir, '--model', models, '--out', out, '--json'],
      fake.ctx,
    );
    expect(fake.stderr()).toBe('');
    expect(code).toBe(0);
    const s = JSON.parse(fake.stdout()) as {
      [
        k in
          | 'machines'
          | 'faultEpisodes'
          | 'detectedEpisodes'
          | 'medianDelaySec'
          | 'falseAlarms'
          | 'tp'
          | 'fp'
          | 'fn'
          | 'tn'
      ]: number;
    } & { unscoredMachines: string[] };
    expect(s.machines).toBe(2);
    expect(s.unscoredMachines).toEqual(['mill-1']);
    expect(s.faultEpisodes).toBe(1);
    expect(s.detectedEpisodes).toBe(1);
    expect(s.medianDelaySec).toBeLessThan(60);
    expect(s.falseAlarms).toBe(0);
    // 1 reading/s into a model with 1 s periods: reading k is scored when k + 1 arrives (cold start 400).
    expect(s.tp + s.fp + s.fn + s.tn).toBe(2 * (1200 - 400));
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe('file,row,datetime,score,anomaly');
    const text = createFakeContext({ repoRoot: REPO });
    expect(
      await runCli(['eval', 'anomaly', '--simulator', dir, '--model', models, '--out', out], text.ctx),
    ).toBe(0);
    expect(text.stdout()).toMatch(/event recall 100\.00 %/);
    expect(await runCli(['eval', 'anomaly', '--simulator', REPO, '--out', out], text.ctx)).toBe(2);
    rmSync(dir, { recursive: true });
  });
});
