import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { runCli } from '../cli';
import { createFakeContext } from '../testing/fake-context';
import { parseDemoOptions } from './demo';

describe(parseDemoOptions.name, () => {
  it('applies the documented defaults', () => {
    const sut = parseDemoOptions([]);
    expect(sut).toMatchObject({
      machines: 20,
      ratePerSec: 2000,
      durationSec: undefined,
      badEvery: 1000,
      drainTimeoutSec: 15,
      port: 8082,
      json: false,
    });
    expect(sut !== 'help' && Number.isInteger(sut.seed)).toBe(true);
  });

  it('reads every option', () => {
    const sut = parseDemoOptions([
      '--machines=5',
      '--rate',
      '250.5',
      '--duration',
      '3',
      '--seed',
      '42',
      '--profile',
      'lite',
      '--port',
      '0',
      '--bad-every',
      '0',
      '--drain-timeout',
      '2',
      '--speed',
      '50',
      '--fault',
      'centrifugal-pump-001:cavitation:severity=1:start=10m',
      '--json',
    ]);
    expect(sut).toEqual({
      machines: 5,
      ratePerSec: 250.5,
      durationSec: 3,
      seed: 42,
      port: 0,
      badEvery: 0,
      drainTimeoutSec: 2,
      json: true,
      speed: 50,
      faults: [
        expect.objectContaining({
          machineId: 'centrifugal-pump-001',
          kind: 'cavitation',
          severity: 1,
          startInMs: 600_000,
        }),
      ],
    });
  });
});

describe('industrialmind demo', () => {
  it('runs for --duration and prints JSON lines ending in a balanced summary', async () => {
    const fake = createFakeContext();
    const code = await runCli(
      [
        'demo',
        '--duration',
        '1',
        '--json',
        '--rate',
        '500',
        '--bad-every',
        '20',
        '--machines',
        '4',
        '--port',
        '0',
      ],
      fake.ctx,
    );
    expect(code).toBe(0);
    const lines = fake
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ type: 'start', machines: 4, rate_per_s: 500 });
    const summary = lines.at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', balanced: true, machines_seen: 4 });
    expect(summary.written).toEqual(expect.any(Number));
    expect(summary.dead_lettered as number).toBeGreaterThan(0);
    // Logs go to the log destination (stderr), at warn by default: the first dead letter, nothing at info.
    const logs = fake.logs();
    expect(logs.some((l) => l.msg === 'first dead letter' && l.service === 'cli')).toBe(true);
    expect(logs.every((l) => l.level !== 'info')).toBe(true);
    expect(fake.signals.listenerCount('SIGINT')).toBe(0);
  }, 20_000);

  it('drains and summarises on the first signal, exits at once on the second', async () => {
    const fake = createFakeContext({ env: { LOG_LEVEL: 'error' } });
    const running = runCli(['demo', '--rate', '500', '--port', '0'], fake.ctx);
    await new Promise((resolve) => setTimeout(resolve, 500));
    fake.signals.emit('SIGTERM');
    fake.signals.emit('SIGINT');
    expect(await running).toBe(0);
    expect(fake.exits).toEqual([1]);
    expect(fake.stderr()).toContain('second SIGINT, exiting without draining');
    expect(fake.stdout()).toContain('balanced       yes');
    expect(fake.signals.listenerCount('SIGTERM')).toBe(0);
  }, 20_000);

  it.each([
    [['--profile', 'full'], '--profile full is no longer part of the demo'],
    [['--profile', 'cloud'], '--profile must be lite'],
    [['--machines', '1', '--rate', '2000'], 'too high for 1 machines'],
    [['--bad-every', '1'], '--bad-every must be 0 (off) or at least 2'],
    [['--speed', '0'], '--speed must be a number above 0'],
    [['--fault', 'pump'], 'expected MACHINE:KIND'],
    [['--fault', 'no-such-machine-001:cavitation', '--port', '0'], 'no-such-machine-001'],
  ])('rejects %j with exit 2: %s', async (args, message) => {
    const fake = createFakeContext();
    expect(await runCli(['demo', ...args], fake.ctx)).toBe(2);
    expect(fake.stderr()).toContain(message);
  });

  it('exits 2 with a hint when the port is in use', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const fake = createFakeContext();
    expect(await runCli(['demo', '--port', String(port), '--duration', '1'], fake.ctx)).toBe(2);
    expect(fake.stderr()).toContain(`port ${port} is in use`);
    server.close();
  });
});
