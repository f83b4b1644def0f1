import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryEventBus } from '@industrialmind/event-bus';
import { createCapturedLogger } from '@industrialmind/logger/testing';
import { cmapssText, skabCsv } from '@industrialmind/simulation/testing';
import { runCli } from '../cli';
import { createFakeContext } from '../testing/fake-context';
import { parseReplayOptions, runReplay } from './replay';

function datasets() {
  const dir = mkdtempSync(join(tmpdir(), 'cli-replay-'));
  mkdirSync(join(dir, 'skab', 'valve1'), { recursive: true });
  writeFileSync(join(dir, 'skab', 'valve1', '0.csv'), skabCsv({ rows: 30, anomalyFrom: 20 }));
  writeFileSync(join(dir, 'skab', 'valve1', '1.csv'), skabCsv({ rows: 12 }));
  writeFileSync(join(dir, 'train_FD001.txt'), cmapssText({ cycles: [5, 7] }));
  return dir;
}

describe(runReplay.name, () => {
  it('sends every row of a SKAB folder and a C-MAPSS file through the in-memory bus', async () => {
    const dir = datasets();
    const counts: Record<string, number> = {};
    const bus = createMemoryEventBus();
    const subscription = await bus.subscribe(
      { topics: ['sensor-readings', 'simulator-ground-truth'], groupId: 'test-counter' },
      async (messages) => {
        // Records, not messages: a sensor-readings message may carry a batch of one machine's readings.
        for (const m of messages) {
          const value = JSON.parse(m.value.toString()) as unknown;
          counts[m.topic] = (counts[m.topic] ?? 0) + (Array.isArray(value) ? value.length : 1);
        }
      },
    );
    // Resolves once the counter consumer has seen what is expected (or after 2 s, and the assertion says what).
    const seen = async (expected: Record<string, number>) => {
      const isDone = () => Object.entries(expected).every(([topic, n]) => (counts[topic] ?? 0) >= n);
      for (let i = 0; i < 200 && !isDone(); i++) await new Promise((r) => setTimeout(r, 10));
      return counts;
    };
    let output = '';
    const deps = {
      bus: Object.assign(Object.create(bus) as typeof bus, { close: async () => {} }),
      logger: createCapturedLogger().logger,
      write: (text: string) => void (output += text),
      stopSignal: new AbortController().signal,
    };
    try {
      const skab = parseReplayOptions(['--dataset', 'skab', '--path', join(dir, 'skab'), '--speed', 'max']);
      const sut = await runReplay(skab as Exclude<typeof skab, 'help'>, deps);
      expect(sut).toMatchObject({
        filesTotal: 2,
        filesDone: 2,
        machines: 2,
        readingsPublished: 42,
        isAborted: false,
      });
      const first = { 'sensor-readings': 42, 'simulator-ground-truth': 42 };
      expect(await seen(first)).toEqual(first);

      const cmapss = parseReplayOptions([
        '--dataset=cmapss',
        `--path=${join(dir, 'train_FD001.txt')}`,
        '--speed=max',
        '--timestamps=now',
        '--ground-truth=off',
      ]);
      const second = await runReplay(cmapss as Exclude<typeof cmapss, 'help'>, deps);
      expect(second).toMatchObject({ machines: 2, readingsPublished: 12 });
      const both = { 'sensor-readings': 54, 'simulator-ground-truth': 42 };
      expect(await seen(both)).toEqual(both);
      expect(output).toContain('readings       42 published to sensor-readings');
    } finally {
      await subscription.stop();
      await bus.close();
    }
  });
});

describe('industrialmind replay', () => {
  it('replays paced, printing JSON progress and a summary', async () => {
    const dir = datasets();
    const fake = createFakeContext();
    const code = await runCli(
      [
        'replay',
        '--dataset',
        'skab',
        '--path',
        join(dir, 'skab', 'valve1', '1.csv'),
        '--speed',
        '8',
        '--json',
      ],
      fake.ctx,
    );
    expect({ code, stderr: fake.stderr() }).toEqual({ code: 0, stderr: '' });
    const lines = fake
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ type: 'start', dataset: 'skab', speed: 8, profile: 'lite' });
    expect(lines.some((l) => l.type === 'progress')).toBe(true);
    expect(lines.at(-1)).toMatchObject({ type: 'summary', readings_published: 12, aborted: false });
  }, 10_000);

  it('stops early on Ctrl-C with a summary', async () => {
    const dir = datasets();
    const fake = createFakeContext();
    const running = runCli(['replay', '--dataset', 'skab', '--path', join(dir, 'skab')], fake.ctx);
    await new Promise((resolve) => setTimeout(resolve, 300));
    fake.signals.emit('SIGINT');
    expect(await running).toBe(0);
    expect(fake.stdout()).toContain('(stopped early)');
  });

  it.each([
    [[], '--dataset is required'],
    [['--dataset', 'mnist', '--path', '.'], '--dataset must be one of skab, cmapss'],
    [['--dataset', 'skab'], '--path is required'],
    [['--dataset', 'skab', '--path', '/nonexistent'], 'no such file or folder: /nonexistent'],
    [['--dataset', 'skab', '--path', '.', '--speed', 'fast'], '--speed must be a number above 0'],
    [['--dataset', 'skab', '--path', '.', '--utc-offset', '3'], '--utc-offset must look like +03:00'],
    [['--dataset', 'cmapss', '--path', '.', '--rul', '/nope'], '--rul: no such file or folder'],
    [['--dataset', 'skab', '--path', '.', '--profile', 'full'], '--profile full needs KAFKA_BROKERS'],
  ])('rejects %j with exit 2: %s', async (args, message) => {
    const fake = createFakeContext();
    expect(await runCli(['replay', ...args], fake.ctx)).toBe(2);
    expect(fake.stderr()).toContain(message);
    expect(fake.stderr()).not.toMatch(/\n\s+at /);
  });

  it('exits 2 when the folder holds no files of the data set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-replay-empty-'));
    const fake = createFakeContext();
    expect(await runCli(['replay', '--dataset', 'cmapss', '--path', dir], fake.ctx)).toBe(2);
    expect(fake.stderr()).toContain(`no cmapss files under ${dir}`);
  });

  it('shows help with defaults and examples', async () => {
    const fake = createFakeContext();
    expect(await runCli(['replay', '--help'], fake.ctx)).toBe(0);
    expect(fake.stdout()).toContain('--speed N|max');
    expect(fake.stdout()).toContain('(default: keep)');
    expect(fake.stdout()).toContain('Examples:');
  });
});
