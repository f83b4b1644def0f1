import { createCapturedLogger } from '@industrialmind/logger/testing';
import { createLifecycle, LIFECYCLE_EVENTS, type LifecycleOptions } from './lifecycle';

function build(options: Partial<LifecycleOptions> = {}) {
  const logs = createCapturedLogger();
  const exits: number[] = [];
  const sut = createLifecycle({ logger: logs.logger, exit: (code) => void exits.push(code), ...options });
  return { sut, logs, exits };
}

const never = () => new Promise<void>(() => {});

describe(createLifecycle.name, () => {
  it('closes resources in reverse order of registration and exits 0', async () => {
    const { sut, exits, logs } = build();
    const closed: string[] = [];
    for (const name of ['db', 'producer', 'consumer', 'http'])
      sut.register(name, async () => void closed.push(name));

    const code = await sut.shutdown('SIGTERM');

    expect(closed).toEqual(['http', 'consumer', 'producer', 'db']);
    expect(code).toBe(0);
    expect(exits).toEqual([0]);
    expect(logs.find('service stopping')).toMatchObject({
      reason: 'SIGTERM',
      resources: 4,
      component: 'lifecycle',
    });
    expect(logs.find('service stopped')).toMatchObject({ exit_code: 0 });
  });

  it('turns readiness off before closing anything', async () => {
    const { sut } = build();
    const readinessAtClose: boolean[] = [];
    sut.register('http', () => void readinessAtClose.push(sut.isReady()));
    sut.setReady(true);

    expect(sut.isReady()).toBe(true);
    await sut.shutdown('SIGTERM');

    expect(readinessAtClose).toEqual([false]);
    sut.setReady(true);
    expect(sut.isReady()).toBe(false);
  });

  it('keeps closing after a resource fails or times out, then exits 1', async () => {
    const { sut, exits, logs } = build({ closeTimeoutMs: 20 });
    const closed: string[] = [];
    sut.register('db', () => void closed.push('db'));
    sut.register('stuck', never);
    sut.register('broken', () => {
      throw new Error('already closed');
    });

    const code = await sut.shutdown('SIGTERM');

    expect(closed).toEqual(['db']);
    expect(code).toBe(1);
    expect(exits).toEqual([1]);
    const failures = logs.lines().filter((l) => l.msg === 'resource close failed');
    expect(failures.map((l) => [l.resource, (l.err as { message: string }).message])).toEqual([
      ['broken', 'already closed'],
      ['stuck', 'stuck did not close within 20 ms'],
    ]);
    expect(failures[0]).toMatchObject({ level: 'error', event: LIFECYCLE_EVENTS.resourceCloseFailed });
  });

  it('honours a per-resource timeout', async () => {
    const { sut, logs } = build({ closeTimeoutMs: 60_000 });
    sut.register('slow', never, { timeoutMs: 10 });

    await sut.shutdown('SIGTERM');

    expect(logs.find('resource close failed')).toMatchObject({ resource: 'slow' });
  });

  it('exits 1 when the grace period runs out', async () => {
    const { sut, exits, logs } = build({ gracePeriodMs: 30, closeTimeoutMs: 60_000 });
    const closed: string[] = [];
    sut.register('db', () => void closed.push('db'));
    sut.register('hangs', () => new Promise<void>((resolve) => setTimeout(resolve, 80)));

    const code = await sut.shutdown('SIGTERM');

    expect(code).toBe(1);
    expect(exits).toEqual([1]);
    expect(closed).toEqual([]);
    expect(logs.find('shutdown grace period exceeded')).toMatchObject({
      level: 'error',
      event: LIFECYCLE_EVENTS.shutdownTimedOut,
    });
  });

  it('waits the drain delay before closing', async () => {
    const { sut, logs } = build({ drainDelayMs: 15 });
    sut.register('http', () => undefined);

    await sut.shutdown('SIGTERM');

    expect(logs.find('resource closed')).toMatchObject({ resource: 'http' });
  });

  it('is idempotent and keeps the requested minimum exit code', async () => {
    const { sut, exits } = build();

    const first = sut.shutdown('start failed', { exitCode: 1 });
    const second = sut.shutdown('SIGTERM');

    expect(second).toBe(first);
    expect(await first).toBe(1);
    expect(exits).toEqual([1]);
    expect(sut.isShuttingDown()).toBe(true);
  });

  it('closes at once a resource registered during shutdown', async () => {
    const { sut, logs } = build();
    let isLateClosed = false;
    await sut.shutdown('SIGTERM');

    sut.register('late', () => {
      isLateClosed = true;
    });
    await new Promise((resolve) => setImmediate(resolve));

    expect(isLateClosed).toBe(true);
    expect(logs.find('resource registered during shutdown')).toMatchObject({
      level: 'warn',
      resource: 'late',
    });
  });
});
