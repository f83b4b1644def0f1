import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { ConfigError } from '@industrialmind/config';
import { createHttpApp, createMetricsRegistry } from '@industrialmind/http';
import { runServiceMain, type MainConfig } from './service-main';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logDestination: { destination } };
}

const config: MainConfig & { secretToken: string } = {
  profile: 'lite',
  logLevel: 'info',
  http: { host: '127.0.0.1', port: 0 },
  otel: { exporter: 'none' },
  shutdownGraceMs: 5_000,
  secretToken: 'do-not-log',
};

describe(runServiceMain.name, () => {
  it('exits 1 listing every config problem, opening nothing', async () => {
    const { lines, logDestination } = capture();
    const exit = jest.fn();
    const compose = jest.fn();

    await runServiceMain({
      name: 'svc',
      version: '1.2.3',
      readConfig: () => {
        throw new ConfigError([
          { key: 'PROFILE', message: 'must be one of lite, full', value: 'medium' },
          { key: 'HTTP_PORT', message: 'must be <= 65535', value: '99999' },
        ]);
      },
      compose,
      stopName: 'svc',
      exit,
      logDestination,
    });

    expect(exit).toHaveBeenCalledWith(1);
    expect(compose).not.toHaveBeenCalled();
    expect(lines[0]).toMatchObject({ level: 'fatal', service: 'svc', profile: 'unknown' });
    expect((lines[0]!.problems as Array<{ key: string }>).map((p) => p.key)).toEqual([
      'PROFILE',
      'HTTP_PORT',
    ]);
  });

  it('composes, serves, starts, and on SIGTERM stops the service first and the adapters after it', async () => {
    const { lines, logDestination } = capture();
    const events = new EventEmitter();
    const order: string[] = [];
    let exited: number | undefined;
    const exitedOnce = new Promise<void>((resolve) => {
      events.once('exited', () => resolve());
    });

    await runServiceMain({
      name: 'svc',
      version: '1.2.3',
      readConfig: () => config,
      compose: ({ logger, lifecycle }) => {
        lifecycle.register('adapter', async () => void order.push('adapter closed'));
        const app = createHttpApp({
          logger,
          registry: createMetricsRegistry(),
          readiness: () => true,
          routes: () => undefined,
        });
        return {
          app,
          start: async () => void order.push('started'),
          stop: async () => void order.push('stopped'),
        };
      },
      stopName: 'svc-intake',
      processEvents: events,
      exit: (code) => {
        exited = code;
        events.emit('exited');
      },
      logDestination,
    });

    const listening = lines.find((l) => l.msg === 'http listening')!;
    if (!listening) throw new Error(JSON.stringify(lines));
    const res = await fetch(`http://127.0.0.1:${String(listening.port)}/healthz`);
    expect(res.status).toBe(200);
    expect(JSON.stringify(lines.find((l) => l.msg === 'config loaded'))).not.toContain('do-not-log');

    events.emit('SIGTERM');
    await exitedOnce;

    expect(exited).toBe(0);
    expect(order).toEqual(['started', 'stopped', 'adapter closed']);
    await expect(fetch(`http://127.0.0.1:${String(listening.port)}/healthz`)).rejects.toThrow();
  });
});
