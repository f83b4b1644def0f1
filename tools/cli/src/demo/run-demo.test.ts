import { AppError, ErrorCode } from '@industrialmind/errors';
import { createMemoryEventBus, type EventBus } from '@industrialmind/event-bus';
import { createCapturedLogger } from '@industrialmind/logger/testing';
import { runDemo, type DemoOptions } from './run-demo';

const OPTIONS: DemoOptions = {
  profile: 'lite',
  machines: 10,
  ratePerSec: 1000,
  durationSec: 2,
  seed: 7,
  badEvery: 50,
  json: true,
  drainTimeoutSec: 5,
};

function setup(bus: EventBus = createMemoryEventBus()) {
  let output = '';
  const captured = createCapturedLogger({ level: 'warn' });
  const stop = new AbortController();
  const deps = {
    bus,
    logger: captured.logger,
    write: (text: string) => void (output += text),
    stopSignal: stop.signal,
    runId: 'test-run',
    reportIntervalMs: 250,
  };
  const lines = () =>
    output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { deps, stop, captured, lines, text: () => output };
}

describe(runDemo.name, () => {
  it('runs for --duration: readings flow, bad ones are dead-lettered, and the totals balance', async () => {
    const { deps, lines, captured } = setup();
    const sut = await runDemo(OPTIONS, deps);

    expect(sut.consumed).toBeGreaterThan(0);
    expect(sut.deadLettered).toBeGreaterThan(0);
    expect(sut.produced).toBe(sut.consumed + sut.deadLettered);
    expect(sut.deadLettered).toBe(sut.malformedSent);
    expect(sut).toMatchObject({ isBalanced: true, isCleanShutdown: true, exitCode: 0, machinesSeen: 10 });

    const out = lines();
    expect(out[0]).toMatchObject({
      type: 'start',
      profile: 'lite',
      machines: 10,
      seed: 7,
      run_id: 'test-run',
    });
    const progress = out.filter((line) => line.type === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.at(-1)).toMatchObject({ machines_seen: 10, last_dlq_reason: expect.any(String) });
    expect(out.at(-1)).toMatchObject({
      type: 'summary',
      balanced: true,
      produced: sut.produced,
      exit_code: 0,
    });
    expect(captured.find('first dead letter')).toMatchObject({ level: 'warn' });
  }, 20_000);

  it('stops gracefully on the stop signal and prints the table summary', async () => {
    const { deps, stop, text } = setup();
    setTimeout(() => stop.abort('SIGINT'), 600);
    const sut = await runDemo({ ...OPTIONS, durationSec: undefined, json: false, badEvery: 0 }, deps);
    expect(sut).toMatchObject({ isBalanced: true, deadLettered: 0, exitCode: 0 });
    expect(sut.consumed).toBeGreaterThan(0);
    expect(text()).toContain('elapsed   produced   consumed  readings/s');
    expect(text()).toContain(`balanced       yes: produced = consumed + dead-lettered`);
  }, 20_000);

  it('exits 1 and says so when messages go missing', async () => {
    const memory = createMemoryEventBus();
    let n = 0;
    // A bus that acknowledges every 10th message but loses it.
    const lossy: EventBus = Object.assign(Object.create(memory) as EventBus, {
      publish: (topic: string, messages: Parameters<EventBus['publish']>[1]) =>
        memory.publish(topic, topic.endsWith('.dlq') ? messages : messages.filter(() => ++n % 10 !== 0)),
    });
    const { deps, text, captured } = setup(lossy);
    const sut = await runDemo({ ...OPTIONS, durationSec: 0.5, drainTimeoutSec: 0.3, json: false }, deps);
    expect(sut).toMatchObject({ isBalanced: false, exitCode: 1 });
    expect(text()).toContain('balanced       NO');
    expect(captured.find('consumer did not catch up before the drain timeout')).toMatchObject({
      event: 'demo.shutdown.not_drained',
      consumer: 'fleet-monitor',
    });
    expect(captured.find('produced != consumed + dead-lettered')).toMatchObject({ level: 'error' });
  }, 20_000);

  it('throws when the bus cannot be reached, leaving nothing open', async () => {
    const memory = createMemoryEventBus();
    const closed: string[] = [];
    const down: EventBus = Object.assign(Object.create(memory) as EventBus, {
      connect: async () => {},
      ensureTopics: async () => {
        throw new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'broker down');
      },
      close: async () => void closed.push('bus'),
    });
    const { deps } = setup(down);
    await expect(runDemo(OPTIONS, deps)).rejects.toThrow('broker down');
    expect(closed).toEqual(['bus']);
  });
});
