import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli';
import { createFakeContext } from '../testing/fake-context';
import { parseFaultOption, parseSimulateOptions } from './simulate';

const readJsonl = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('industrialmind simulate', () => {
  it('writes readings and ground truth of a tiny fleet offline to JSONL, with a fault', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-simulate-'));
    const out = join(dir, 'readings.jsonl');
    const truth = join(dir, 'truth.jsonl');
    const fake = createFakeContext();
    const code = await runCli(
      [
        'simulate',
        '--machines=2',
        '--hours=0.01',
        '--start=2024-01-01T00:00:00Z',
        `--out=${out}`,
        `--truth=${truth}`,
        '--fault=centrifugal-pump-001:cavitation:severity=0.8:shape=step',
        '--json',
      ],
      fake.ctx,
    );
    expect({ code, stderr: fake.stderr() }).toEqual({ code: 0, stderr: '' });
    const readings = readJsonl(out);
    // 36 s at one reading per machine per second; a reading whose channels all dropped out is left out.
    expect(readings.length).toBeGreaterThanOrEqual(70);
    expect(readings.length).toBeLessThanOrEqual(72);
    expect(new Set(readings.map((r) => r.machine_id)).size).toBe(2);
    expect(readings[0]!.timestamp).toBe('2024-01-01T00:00:00.000Z');
    const truths = readJsonl(truth);
    expect(truths).toHaveLength(72);
    expect(JSON.stringify(truths.at(-1))).toContain('cavitation');
    const summary = JSON.parse(fake.stdout().trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(summary).toMatchObject({ type: 'summary', readings: readings.length, ground_truth: 72 });
  });

  it('publishes in real time to the in-memory bus for --duration and prints a summary', async () => {
    const fake = createFakeContext();
    const code = await runCli(
      ['simulate', '--machines', '4', '--rate', '200', '--duration', '1.2'],
      fake.ctx,
    );
    expect({ code, stderr: fake.stderr() }).toEqual({ code: 0, stderr: '' });
    expect(fake.stdout()).toContain(
      '200 readings/s to sensor-readings and simulator-ground-truth (in-memory bus)',
    );
    expect(fake.stdout()).toMatch(/readings published, \d+ pending/);
    const readings = Number(/summary: (\d+) readings/.exec(fake.stdout())![1]);
    expect(readings).toBeGreaterThan(100);
  }, 10_000);

  it.each([
    [['--truth', 't.jsonl'], '--truth needs --out FILE'],
    [['--out', '/nonexistent-dir/r.jsonl'], 'the folder of /nonexistent-dir/r.jsonl does not exist'],
    [['--out', 'r.jsonl', '--rate', '5'], '--rate is for real time'],
    [['--machines', '2', '--rate', '5000'], 'too high for 2 machines'],
    [['--start', '2024-01-01', '--out', 'r.jsonl'], '--start must be an ISO date-time with a zone'],
    [['--fault', 'pump'], 'expected MACHINE:KIND'],
    [['--fault', 'pump:melting'], 'unknown fault kind "melting"'],
    [['--fault', 'x:cavitation:severity=2'], 'severity must be in (0, 1]'],
    [['--fault', 'x:cavitation:start=soon'], 'start must look like 30s, 10m or 2h'],
    [['--fault', 'x:cavitation:colour=red'], 'unknown key "colour"'],
    [['--fault', 'x:cavitation:severity'], '"severity" is not key=value'],
    [['--profile', 'full'], '--profile full needs KAFKA_BROKERS'],
  ])('rejects %j with exit 2: %s', async (args, message) => {
    const fake = createFakeContext();
    expect(await runCli(['simulate', ...args], fake.ctx)).toBe(2);
    expect(fake.stderr()).toContain(message);
    expect(fake.stdout()).toBe('');
  });

  it('rejects a fault on a machine the fleet does not have, naming some that it has', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-simulate-'));
    const fake = createFakeContext();
    const code = await runCli(
      ['simulate', '--machines=2', `--out=${join(dir, 'r.jsonl')}`, '--fault=pump-9:bearing_wear'],
      fake.ctx,
    );
    expect(code).toBe(2);
    expect(fake.stderr()).toContain('--fault pump-9:bearing_wear');
    expect(fake.stderr()).toContain('machines: cnc-mill-001, centrifugal-pump-001');
  });

  it('reads the fault options and shows help', () => {
    expect(parseFaultOption('m:sensor_drift:channel=temperature:duration=10m:onset=30s')).toEqual({
      text: 'm:sensor_drift:channel=temperature:duration=10m:onset=30s',
      machineId: 'm',
      kind: 'sensor_drift',
      channel: 'temperature',
      durationMs: 600_000,
      onsetMs: 30_000,
    });
    expect(parseSimulateOptions(['--help'])).toBe('help');
    expect(parseSimulateOptions([])).toMatchObject({
      machines: 20,
      seed: 42,
      ratePerSec: 100,
      out: undefined,
    });
  });
});
