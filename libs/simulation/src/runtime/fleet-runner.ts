import { AppError, ErrorCode } from '@industrialmind/errors';
import type { Fleet } from '../fleet';
import type { SimulatedSample } from '../machine';
import type { SampleSink } from './sinks';
import { abortableSleep } from './sleep';

export interface FleetRunnerOptions {
  fleet: Fleet;
  sink: SampleSink;
  /** Readings per second for the whole fleet; each machine gets `rate / size`. */
  ratePerSec: number;
  /** Timer period; each tick writes what has come due since the last. Default 100 ms. */
  tickMs?: number;
  /** Largest number of samples per write. Default 1000. */
  maxBatch?: number;
  /** Writes in flight at once; when all are busy no new samples are generated. Default 4. */
  maxInFlight?: number;
  /** Backoff between attempts of a failed write (it is retried until it succeeds or the runner stops). */
  retry?: { initialBackoffMs?: number; maxBackoffMs?: number };
  /** How long `stop()` lets in-flight writes finish before it abandons their retries. Default 10 s. */
  drainTimeoutMs?: number;
  clock?: () => number;
  onEvent?: (event: FleetRunnerEvent) => void;
}

export type FleetRunnerEvent =
  | { type: 'written'; readings: number; groundTruth: number; durationMs: number }
  | { type: 'write-failed'; error: unknown; attempt: number; backoffMs: number; samples: number }
  | { type: 'abandoned'; error: unknown; samples: number };

export interface FleetRunnerStats {
  isRunning: boolean;
  ratePerSec: number;
  /** Samples generated (each is a reading, unless all its channels dropped out, plus a ground-truth record). */
  generated: number;
  /** Readings acknowledged by the sink. */
  readingsWritten: number;
  groundTruthWritten: number;
  /** Samples generated but not yet acknowledged. */
  pending: number;
  inFlight: number;
  failedAttempts: number;
  /** Samples given up at stop because their write kept failing. */
  abandoned: number;
  /** How far the next reading's timestamp is behind the clock (0 when on time). */
  lagMs: number;
}

export interface FleetRunner {
  readonly fleet: Fleet;
  /** Starts (or resumes) at the current time; the readings of a pause are skipped, not caught up. */
  start(): void;
  /** Stops generating and waits for in-flight writes (see `drainTimeoutMs`). Idempotent. */
  stop(): Promise<void>;
  /** Throws AppError VALIDATION_FAILED unless 0 < rate <= 1000 x fleet size. */
  setRate(ratePerSec: number): void;
  stats(): FleetRunnerStats;
}

/** The highest total rate a fleet supports: each machine can produce one reading per millisecond. */
export function maxRateFor(fleet: Fleet): number {
  return fleet.size * 1000;
}

function checkRate(fleet: Fleet, ratePerSec: number): void {
  if (!(Number.isFinite(ratePerSec) && ratePerSec > 0 && ratePerSec <= maxRateFor(fleet))) {
    const message = `must be > 0 and <= ${maxRateFor(fleet)} (1000 per machine for ${fleet.size} machines)`;
    throw new AppError(ErrorCode.VALIDATION_FAILED, `readings_per_sec ${message}`, {
      details: [{ path: 'readings_per_sec', message }],
    });
  }
}

/**
 * Runs a fleet in real time: a timer tick every `tickMs` generates every reading that has come due (the fleet's
 * sample interval is `size / rate`, so due readings arrive at the configured rate) and hands them to the sink in
 * batches. At most `maxInFlight` writes are pending; while they are, nothing is generated, so a slow or failing
 * bus lowers the rate and the readings fall behind the clock (reported as `lagMs`) instead of piling up in
 * memory. When the bus recovers, the backlog is written as fast as the in-flight limit allows: no reading is
 * skipped. A failed write is retried with capped exponential backoff until it succeeds or the runner stops; with
 * more than one write in flight a retried batch can land after a later one (readers must not assume order across
 * batches; set `maxInFlight: 1` for strict order).
 */
export function createFleetRunner(options: FleetRunnerOptions): FleetRunner {
  const { fleet, sink, onEvent } = options;
  const tickMs = options.tickMs ?? 100;
  const maxBatch = options.maxBatch ?? 1000;
  const maxInFlight = options.maxInFlight ?? 4;
  const initialBackoffMs = options.retry?.initialBackoffMs ?? 100;
  const maxBackoffMs = options.retry?.maxBackoffMs ?? 5_000;
  const drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
  const clock = options.clock ?? Date.now;
  checkRate(fleet, options.ratePerSec);
  let ratePerSec = options.ratePerSec;
  fleet.setSampleInterval((fleet.size * 1000) / ratePerSec);
  let isRunning = false;
  let timer: NodeJS.Timeout | undefined;
  let abort = new AbortController();
  const inFlight = new Set<Promise<void>>();
  let generated = 0;
  let readingsWritten = 0;
  let groundTruthWritten = 0;
  let acknowledged = 0;
  let failedAttempts = 0;
  let abandoned = 0;

  const send = (samples: SimulatedSample[]): void => {
    generated += samples.length;
    const signal = abort.signal;
    const task = (async () => {
      for (let attempt = 1; ; attempt++) {
        const started = clock();
        try {
          const result = await sink.write(samples);
          readingsWritten += result.readings;
          groundTruthWritten += result.groundTruth;
          acknowledged += samples.length;
          onEvent?.({
            type: 'written',
            readings: result.readings,
            groundTruth: result.groundTruth,
            durationMs: clock() - started,
          });
          return;
        } catch (error) {
          failedAttempts += 1;
          if (signal.aborted) {
            abandoned += samples.length;
            onEvent?.({ type: 'abandoned', error, samples: samples.length });
            return;
          }
          const backoffMs = Math.min(maxBackoffMs, initialBackoffMs * 2 ** (attempt - 1));
          onEvent?.({ type: 'write-failed', error, attempt, backoffMs, samples: samples.length });
          await abortableSleep(backoffMs, signal);
        }
      }
    })();
    inFlight.add(task);
    void task.finally(() => {
      inFlight.delete(task);
      // Catch up at once if the fleet is behind, rather than waiting for the next tick.
      if (isRunning) setImmediate(pump);
    });
  };

  function pump(): void {
    if (!isRunning) return;
    const now = clock();
    while (inFlight.size < maxInFlight) {
      const samples = fleet.generateUntil(now, maxBatch);
      if (samples.length === 0) break;
      send(samples);
    }
  }

  return {
    fleet,
    start() {
      if (isRunning) return;
      isRunning = true;
      abort = new AbortController();
      fleet.skipTo(clock());
      timer = setInterval(pump, tickMs);
      pump();
    },
    async stop() {
      if (!isRunning && inFlight.size === 0) return;
      isRunning = false;
      clearInterval(timer);
      const drained = Promise.all([...inFlight]);
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([
        drained,
        new Promise((resolve) => (timeout = setTimeout(resolve, drainTimeoutMs))),
      ]);
      clearTimeout(timeout);
      // Whatever is still retrying gives up now; a write that never settles is left behind after one more second.
      abort.abort();
      await Promise.race([drained, new Promise((resolve) => (timeout = setTimeout(resolve, 1_000)))]);
      clearTimeout(timeout);
    },
    setRate(rate) {
      checkRate(fleet, rate);
      ratePerSec = rate;
      fleet.setSampleInterval((fleet.size * 1000) / rate);
      // The new rate starts now: without the skip, a faster rate would first fill the time since each machine's
      // last reading with readings at the new spacing, a burst of the past.
      if (isRunning) fleet.skipTo(clock());
    },
    stats() {
      const lag = isRunning ? clock() - fleet.peekTimestampMs() : 0;
      return {
        isRunning,
        ratePerSec,
        generated,
        readingsWritten,
        groundTruthWritten,
        pending: generated - acknowledged - abandoned,
        inFlight: inFlight.size,
        failedAttempts,
        abandoned,
        lagMs: Math.max(0, lag),
      };
    },
  };
}
