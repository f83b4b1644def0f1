import { EventEmitter } from 'node:events';
import { AppError, ErrorCode } from '@industrialmind/errors';
import { createCapturedLogger } from '@industrialmind/logger/testing';
import { LIFECYCLE_EVENTS, type Lifecycle } from './lifecycle';
import { runService, type RunServiceOptions } from './run-service';

function setup(overrides: Partial<RunServiceOptions> = {}) {
  const logs = createCapturedLogger();
  const events = new EventEmitter();
  const exits: number[] = [];
  const closed: string[] = [];
  const run = () =>
    runService({
      name: 'ingestion',
      logger: logs.logger,
      processEvents: events,
      exit: (code) => void exits.push(code),
      start: (lifecycle) => {
        lifecycle.register('store', () => void closed.push('store'));
        lifecycle.register('http', () => void closed.push('http'));
      },
      ...overrides,
    });
  return { run, logs, events, exits, closed };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe(runService.name, () => {
  it('starts, becomes ready and shuts down gracefully on SIGTERM', async () => {
    const { run, events, exits, closed, logs } = setup();

    const sut = await run();
    expect(sut.isReady()).toBe(true);
    expect(logs.find('service started')).toMatchObject({
      level: 'info',
      service_name: 'ingestion',
      is_ready: true,
    });

    events.emit('SIGTERM');
    await settle();

    expect(sut.isReady()).toBe(false);
    expect(closed).toEqual(['http', 'store']);
    expect(exits).toEqual([0]);
    expect(logs.find('service stopping')).toMatchObject({ reason: 'SIGTERM' });
  });

  it('shuts down on SIGINT and exits at once on a second signal', async () => {
    const { run, events, exits, logs } = setup({
      start: (lifecycle) => lifecycle.register('stuck', () => new Promise<void>(() => {})),
      gracePeriodMs: 20,
    });
    await run();

    events.emit('SIGINT');
    events.emit('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 40));

    expect(exits).toEqual([1]);
    expect(logs.find('second signal received, exiting now')).toMatchObject({
      level: 'warn',
      signal: 'SIGINT',
    });
  });

  it('logs a failed start at fatal, closes what was opened and exits 1', async () => {
    const { run, exits, closed, logs } = setup({
      start: async (lifecycle) => {
        lifecycle.register('store', () => void closed.push('store'));
        throw new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'kafka unreachable');
      },
    });

    const sut = await run();

    expect(sut.isReady()).toBe(false);
    expect(closed).toEqual(['store']);
    expect(exits).toEqual([1]);
    expect(logs.find('service failed to start')).toMatchObject({
      level: 'fatal',
      event: LIFECYCLE_EVENTS.startFailed,
      err: { code: 'UPSTREAM_UNAVAILABLE', message: 'kafka unreachable' },
    });
  });

  it.each([
    ['uncaughtException', new Error('boom'), 'uncaught exception', LIFECYCLE_EVENTS.uncaughtException],
    ['unhandledRejection', new Error('lost'), 'unhandled rejection', LIFECYCLE_EVENTS.unhandledRejection],
  ])('logs %s at fatal and exits 1', async (eventName, err, msg, event) => {
    const { run, events, exits, logs } = setup();
    await run();

    events.emit(eventName, err);

    expect(exits).toEqual([1]);
    expect(logs.find(msg)).toMatchObject({ level: 'fatal', event, err: { message: err.message } });
  });

  it('leaves readiness to the service when asked', async () => {
    const { run } = setup({ isReadyAfterStart: false });

    const sut = await run();

    expect(sut.isReady()).toBe(false);
    sut.setReady(true);
    expect(sut.isReady()).toBe(true);
  });

  it('does not become ready when a signal arrives during start', async () => {
    let lifecycleSeen: Lifecycle | undefined;
    const { run, events, exits } = setup({
      start: async (lifecycle) => {
        lifecycleSeen = lifecycle;
        events.emit('SIGTERM');
        await settle();
      },
    });

    const sut = await run();

    expect(sut).toBe(lifecycleSeen);
    expect(sut.isReady()).toBe(false);
    expect(exits).toEqual([0]);
  });

  it('listens on process by default', async () => {
    const beforeExceptions = process.listeners('uncaughtException');
    const beforeRejections = process.listeners('unhandledRejection');
    const logs = createCapturedLogger();

    const sut = await runService({ name: 'svc', logger: logs.logger, start: () => undefined, signals: [] });

    expect(sut.isReady()).toBe(true);
    const addedExceptions = process
      .listeners('uncaughtException')
      .filter((l) => !beforeExceptions.includes(l));
    const addedRejections = process
      .listeners('unhandledRejection')
      .filter((l) => !beforeRejections.includes(l));
    expect([addedExceptions.length, addedRejections.length]).toEqual([1, 1]);
    addedExceptions.forEach((l) => process.off('uncaughtException', l));
    addedRejections.forEach((l) => process.off('unhandledRejection', l));
  });
});
