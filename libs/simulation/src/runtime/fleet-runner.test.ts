import { AppError } from '@industrialmind/errors';
import { createFleet } from '../fleet';
import { createRecordingPublisher, type RecordingPublisher } from '../testing';
import {
  createFleetRunner,
  maxRateFor,
  type FleetRunnerEvent,
  type FleetRunnerOptions,
} from './fleet-runner';
import { createBusSink } from './sinks';

const T0 = Date.parse('2024-05-06T08:00:00Z');

function build(
  overrides: Partial<FleetRunnerOptions> = {},
  publisher: RecordingPublisher = createRecordingPublisher(),
) {
  const events: FleetRunnerEvent[] = [];
  const fleet = createFleet({ size: 10, seed: 4, startMs: T0 });
  const sut = createFleetRunner({
    fleet,
    sink: createBusSink({ publisher }),
    ratePerSec: 100,
    tickMs: 100,
    maxBatch: 50,
    maxInFlight: 2,
    onEvent: (e) => events.push(e),
    ...overrides,
  });
  return { sut, publisher, events, fleet };
}

/** Per machine, the sequence numbers of its published readings must be 1..n without a gap or repeat. */
function expectNoGaps(publisher: RecordingPublisher): void {
  const seqs = new Map<string, number[]>();
  for (const r of publisher.values<{ machine_id: string; reading_id: string }>('sensor-readings')) {
    const seq = Number(r.reading_id.split('-').pop());
    seqs.set(r.machine_id, [...(seqs.get(r.machine_id) ?? []), seq]);
  }
  for (const list of seqs.values()) {
    expect([...list].sort((a, b) => a - b)).toEqual(list.map((_, i) => i + 1));
  }
}

describe(createFleetRunner.name, () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: T0 + 3_600_000 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('publishes the configured rate in real time, starting now', async () => {
    const { sut, publisher } = build();

    sut.start();
    await jest.advanceTimersByTimeAsync(2_000);
    await sut.stop();

    const readings = publisher.values<{ timestamp: string }>('sensor-readings');
    expect(readings.length).toBeGreaterThanOrEqual(200);
    expect(readings.length).toBeLessThanOrEqual(210);
    expect(Date.parse(readings[0]!.timestamp)).toBe(T0 + 3_600_000);
    expect(publisher.values('simulator-ground-truth')).toHaveLength(readings.length);
    expect(sut.stats()).toMatchObject({
      isRunning: false,
      readingsWritten: readings.length,
      pending: 0,
      lagMs: 0,
    });
    expectNoGaps(publisher);
  });

  it('never has more writes in flight than allowed, and catches up without losing readings', async () => {
    const { sut, publisher } = build();
    publisher.hold();

    sut.start();
    await jest.advanceTimersByTimeAsync(5_000);

    // Two writes (the first tick's reading, then the next tick's ten) and nothing generated after them.
    expect(sut.stats().inFlight).toBe(2);
    expect(sut.stats().generated).toBe(11);
    expect(sut.stats().lagMs).toBeGreaterThan(3_000);
    // Each write publishes readings and ground truth: two publishes per write.
    expect(publisher.maxInFlight).toBe(4);

    publisher.release();
    await jest.advanceTimersByTimeAsync(1_000);
    await sut.stop();

    expect(sut.stats()).toMatchObject({ generated: sut.stats().readingsWritten, pending: 0 });
    expect(sut.stats().readingsWritten).toBeGreaterThanOrEqual(600);
    expectNoGaps(publisher);
  });

  it('retries a failed write with backoff until the bus takes it', async () => {
    const { sut, publisher, events } = build({
      maxInFlight: 1,
      retry: { initialBackoffMs: 50, maxBackoffMs: 200 },
    });
    publisher.failNext(3);

    sut.start();
    await jest.advanceTimersByTimeAsync(3_000);
    await sut.stop();

    const failures = events.filter((e) => e.type === 'write-failed');
    expect(failures.map((e) => (e.type === 'write-failed' ? e.backoffMs : 0))).toEqual(
      [50, 100, 200].slice(0, failures.length),
    );
    expect(sut.stats().failedAttempts).toBeGreaterThanOrEqual(2);
    expect(sut.stats().pending).toBe(0);
    expectNoGaps(publisher);
  });

  it('gives up retrying at stop after the drain timeout and counts what was abandoned', async () => {
    const { sut, publisher, events } = build({ drainTimeoutMs: 500 });
    publisher.failNext(1_000_000);

    sut.start();
    await jest.advanceTimersByTimeAsync(1_000);
    const stopped = sut.stop();
    await jest.advanceTimersByTimeAsync(2_000);
    await stopped;

    expect(sut.stats().abandoned).toBeGreaterThan(0);
    expect(sut.stats().pending).toBe(0);
    expect(events.some((e) => e.type === 'abandoned')).toBe(true);
    expect(publisher.values('sensor-readings')).toEqual([]);
  });

  it('changes the rate while running and validates it', async () => {
    const { sut, publisher, fleet } = build();

    sut.start();
    sut.start();
    sut.setRate(500);
    await jest.advanceTimersByTimeAsync(1_000);
    await sut.stop();
    await sut.stop();

    expect(publisher.values('sensor-readings').length).toBeGreaterThanOrEqual(450);
    expect(sut.stats().ratePerSec).toBe(500);
    expect(maxRateFor(fleet)).toBe(10_000);
    expect(() => sut.setRate(0)).toThrow(AppError);
    expect(() => sut.setRate(10_001)).toThrow(/readings_per_sec/);
    expect(() => createFleetRunner({ fleet, sink: createBusSink({ publisher }), ratePerSec: -1 })).toThrow(
      AppError,
    );
  });

  it('resumes at the current time after a pause', async () => {
    const { sut, publisher } = build();

    sut.start();
    await jest.advanceTimersByTimeAsync(500);
    await sut.stop();
    await jest.advanceTimersByTimeAsync(60_000);
    const before = publisher.values('sensor-readings').length;
    sut.start();
    await jest.advanceTimersByTimeAsync(500);
    await sut.stop();

    const after = publisher.values<{ timestamp: string }>('sensor-readings').slice(before);
    expect(Date.parse(after[0]!.timestamp)).toBeGreaterThanOrEqual(T0 + 3_600_000 + 60_500);
  });
});
