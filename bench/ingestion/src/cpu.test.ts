import { createServer } from 'node:net';
import { cpuMeter, pidListeningOn, processCpuSeconds } from './cpu';

function burn(ms: number): number {
  const until = Date.now() + ms;
  let x = 0;
  while (Date.now() < until) x += Math.sqrt(x + 1);
  return x;
}

describe('CPU accounting', () => {
  it('reads a process CPU time that grows while it computes', () => {
    const before = processCpuSeconds(process.pid)!;
    burn(150);
    const after = processCpuSeconds(process.pid)!;
    expect(before).toBeGreaterThanOrEqual(0);
    expect(after - before).toBeGreaterThan(0.05);
  });

  it('answers undefined for a process that does not exist', () => {
    expect(processCpuSeconds(2 ** 22 + 12_345)).toBeUndefined();
  });

  it('finds the pid listening on a port, and none on a closed one', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      expect(pidListeningOn(port)).toBe(process.pid);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(pidListeningOn(port)).toBeUndefined();
  });

  it('meters this process and named pids between start and stop', () => {
    const meter = cpuMeter({ me: process.pid, gone: 2 ** 22 + 12_345, none: undefined });
    burn(150);
    const used = meter.stop();
    expect(used.self).toBeGreaterThan(0.05);
    expect(used.me).toBeGreaterThan(0.05);
    expect(used.gone).toBeUndefined();
    expect(used.none).toBeUndefined();
  });
});
