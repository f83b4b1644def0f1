import type { Fleet } from '../fleet';
import type { SampleSink } from './sinks';

export interface RunForOptions {
  fleet: Fleet;
  /** Simulated time to cover, from the fleet's next reading on. */
  durationMs: number;
  sink: SampleSink;
  /** Samples per write; default 2000. */
  batchSize?: number;
  signal?: AbortSignal;
  /** Called after each write. */
  onProgress?: (progress: RunForProgress) => void;
}

export interface RunForProgress {
  readings: number;
  groundTruth: number;
  /** Samples whose channels all dropped out (ground truth only). */
  dropped: number;
  simulatedMs: number;
  /** simulatedMs / durationMs. */
  fraction: number;
}

export interface RunForSummary extends RunForProgress {
  elapsedMs: number;
  isAborted: boolean;
}

/**
 * Generates `durationMs` of simulated time as fast as the sink takes it (no pacing): for building training sets
 * (`industrialmind simulate --hours 24 --out readings.jsonl`) or load tests. Each write is awaited, so memory
 * stays at one batch.
 */
export async function runFleetFor(options: RunForOptions): Promise<RunForSummary> {
  const { fleet, durationMs, sink, signal, onProgress } = options;
  const batchSize = options.batchSize ?? 2000;
  const started = performance.now();
  const fromMs = fleet.peekTimestampMs();
  // Exclusive end, so an hour at one reading per second is exactly 3600 readings per machine.
  const untilMs = fromMs + durationMs - 1;
  const progress: RunForProgress = { readings: 0, groundTruth: 0, dropped: 0, simulatedMs: 0, fraction: 0 };
  while (!signal?.aborted) {
    const samples = fleet.generateUntil(untilMs, batchSize);
    if (samples.length === 0) break;
    const result = await sink.write(samples);
    progress.readings += result.readings;
    progress.groundTruth += result.groundTruth;
    for (const s of samples) if (s.reading === undefined) progress.dropped += 1;
    progress.simulatedMs = Math.min(durationMs, fleet.peekTimestampMs() - fromMs);
    progress.fraction = durationMs <= 0 ? 1 : progress.simulatedMs / durationMs;
    onProgress?.({ ...progress });
    // Let timers and I/O run between batches even when the sink answers synchronously.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { ...progress, elapsedMs: performance.now() - started, isAborted: signal?.aborted === true };
}
