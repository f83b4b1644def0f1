import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

// Runs the real entry point: bin/industrialmind -> tools/cli/dist/main.js. turbo's `test` depends on `build`;
// run alone, the shim builds the CLI first if dist/ is missing (hence the generous timeout).
const BIN = resolve(__dirname, '..', '..', '..', 'bin', 'industrialmind');

function runBin(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const { KAFKA_BROKERS: _brokers, LOG_LEVEL: _level, ...env } = process.env;
    const child = spawn(BIN, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('bin/industrialmind', () => {
  it('runs `demo --duration 2 --json`: messages flow, the totals balance, exit 0', async () => {
    const sut = await runBin(['demo', '--duration', '2', '--json', '--bad-every', '100', '--port', '0']);
    expect({ code: sut.code, stderr: sut.code === 0 ? '' : sut.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = sut.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, number | string | boolean | null>);
    const progress = lines.filter((line) => line.type === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.at(-1)!.written as number).toBeGreaterThan(0);
    const summary = lines.at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', balanced: true, exit_code: 0, machines_seen: 20 });
    // anomaly-api runs beside ingestion with the committed default models.
    expect(lines.find((line) => line.type === 'anomaly-api')).toMatchObject({
      url: expect.stringMatching(/^http:/),
    });
    expect(lines.find((line) => line.type === 'anomaly-summary')).toBeDefined();
    expect(summary.written as number).toBeGreaterThan(0);
    expect(summary.dead_lettered as number).toBeGreaterThan(0);
    expect(summary.produced).toBe((summary.written as number) + (summary.dead_lettered as number));
  }, 120_000);

  it('rejects an unknown command on stderr with exit 2 and no stack trace', async () => {
    const sut = await runBin(['frobnicate']);
    expect(sut.code).toBe(2);
    expect(sut.stdout).toBe('');
    expect(sut.stderr).toContain('industrialmind: unknown command "frobnicate"');
    expect(sut.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);
});
