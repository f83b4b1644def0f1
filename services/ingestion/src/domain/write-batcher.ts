import type { Point } from '@industrialmind/timeseries-store';

export interface WriteBatcherOptions {
  /** A write starts as soon as this many points are waiting. */
  maxBatchSize: number;
  /** ...or this long after the first waiting point arrived. */
  lingerMs: number;
}

export interface FlushStats {
  size: number;
  durationMs: number;
  ok: boolean;
}

/** One `add` call: settled when every one of its points was in a write that finished. */
interface Entry {
  resolve: () => void;
  reject: (err: unknown) => void;
  /** Points not yet taken into a write. */
  unassigned: number;
  /** Writes holding some of its points that have not finished. */
  inFlight: number;
  failed?: unknown;
}

/**
 * Gathers points from concurrently handled partitions into store writes of up to `maxBatchSize`, waiting at
 * most `lingerMs` for a batch to fill. `add` resolves only after every write holding its points succeeded (so
 * the caller may commit its offsets) and rejects with a write's error otherwise (so the caller retries; the
 * store is idempotent, so points written twice do no harm).
 */
export class WriteBatcher {
  private pending: Point[] = [];
  private queue: Entry[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (points: Point[]) => Promise<void>,
    private readonly options: WriteBatcherOptions,
    private readonly onFlush: (stats: FlushStats) => void = () => {},
  ) {
    if (!Number.isInteger(options.maxBatchSize) || options.maxBatchSize < 1)
      throw new RangeError('maxBatchSize must be an integer >= 1');
    if (!(options.lingerMs >= 0)) throw new RangeError('lingerMs must be >= 0');
  }

  /** Points waiting for a write. */
  get waiting(): number {
    return this.pending.length;
  }

  add(points: readonly Point[]): Promise<void> {
    if (points.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ resolve, reject, unassigned: points.length, inFlight: 0 });
      for (const point of points) this.pending.push(point);
      if (this.pending.length >= this.options.maxBatchSize) {
        while (this.pending.length >= this.options.maxBatchSize) void this.writeNext();
      } else {
        this.timer ??= setTimeout(() => {
          this.timer = undefined;
          void this.writeNext();
        }, this.options.lingerMs);
      }
    });
  }

  /** Starts writes for everything waiting now and resolves when they finished (for shutdown and tests). */
  async flush(): Promise<void> {
    const writes: Array<Promise<void>> = [];
    while (this.pending.length > 0) writes.push(this.writeNext());
    await Promise.all(writes);
  }

  private async writeNext(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.pending.splice(0, this.options.maxBatchSize);
    if (batch.length === 0) return;
    // The taken points belong to the oldest entries, in order.
    const involved: Entry[] = [];
    let left = batch.length;
    while (left > 0) {
      const head = this.queue[0]!;
      const use = Math.min(head.unassigned, left);
      head.unassigned -= use;
      head.inFlight += 1;
      left -= use;
      involved.push(head);
      if (head.unassigned === 0) this.queue.shift();
    }
    if (this.pending.length > 0) {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        void this.writeNext();
      }, this.options.lingerMs);
    }
    const started = Date.now();
    const size = batch.length;
    let error: unknown;
    try {
      await this.write(batch);
    } catch (err) {
      error = err ?? new Error('write failed');
    }
    this.onFlush({ size, durationMs: Date.now() - started, ok: error === undefined });
    for (const entry of involved) {
      entry.inFlight -= 1;
      if (error !== undefined) entry.failed ??= error;
      if (entry.unassigned === 0 && entry.inFlight === 0) {
        if (entry.failed !== undefined) entry.reject(entry.failed);
        else entry.resolve();
      }
    }
  }
}
