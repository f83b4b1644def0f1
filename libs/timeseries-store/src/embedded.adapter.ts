import { AppError, ErrorCode } from '@industrialmind/errors';
import type {
  Aggregate,
  CountQuery,
  LatestReading,
  Point,
  RangeQuery,
  RangeResult,
  RawRow,
  TimeSeriesStore,
  WindowRow,
} from './port';
import {
  normalizeRangeQuery,
  validateCountQuery,
  validateLatestOptions,
  validatePoints,
  windowStart,
  type NormalizedRangeQuery,
} from './validation';

export interface EmbeddedTimeSeriesStoreOptions {
  /**
   * Points kept per machine; beyond it the oldest (by timestamp) are dropped, so a long demo stays bounded
   * (default 100,000: a machine reading once a second keeps about 28 hours).
   */
  maxPointsPerMachine?: number;
}

export const DEFAULT_MAX_POINTS_PER_MACHINE = 100_000;

interface StoredPoint {
  timestampMs: number;
  machineType: string;
  location: string;
  fields: Record<string, number>;
}

/** Orders points of one machine by the rest of their key: timestamp, then machine type, then location. */
function compareKey(a: StoredPoint, timestampMs: number, machineType: string, location: string): number {
  if (a.timestampMs !== timestampMs) return a.timestampMs - timestampMs;
  if (a.machineType !== machineType) return a.machineType < machineType ? -1 : 1;
  if (a.location !== location) return a.location < location ? -1 : 1;
  return 0;
}

/**
 * One machine's points, sorted by key. Retention advances `head` instead of splicing the front of the array, and
 * the array is compacted only once the dead prefix is large, so trimming costs amortised O(1) per point.
 */
class MachineSeries {
  private items: StoredPoint[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  upsert(p: Point): void {
    const last = this.items[this.items.length - 1];
    // Fast path: readings mostly arrive in time order, so appending is the common case.
    if (this.size === 0 || compareKey(last!, p.timestampMs, p.machineType, p.location) < 0) {
      this.items.push(toStored(p));
      return;
    }
    let lo = this.head;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKey(this.items[mid]!, p.timestampMs, p.machineType, p.location) < 0) lo = mid + 1;
      else hi = mid;
    }
    const found = this.items[lo];
    if (found && compareKey(found, p.timestampMs, p.machineType, p.location) === 0) {
      // Same key: like InfluxDB, the new values win and channels the rewrite does not carry are kept.
      Object.assign(found.fields, p.fields);
    } else {
      this.items.splice(lo, 0, toStored(p));
    }
  }

  trim(maxPoints: number): void {
    if (this.size <= maxPoints) return;
    const excess = this.size - maxPoints;
    for (let i = this.head; i < this.head + excess; i++) this.items[i] = undefined as unknown as StoredPoint;
    this.head += excess;
    if (this.head > 1024 && this.head > this.items.length / 2) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** Index of the first point at or after `timestampMs`. */
  private lowerBound(timestampMs: number): number {
    let lo = this.head;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid]!.timestampMs < timestampMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  *range(fromMs: number, toMs: number): Generator<StoredPoint> {
    for (let i = this.lowerBound(fromMs); i < this.items.length; i++) {
      const p = this.items[i]!;
      if (p.timestampMs >= toMs) return;
      yield p;
    }
  }

  count(fromMs: number, toMs: number): number {
    return this.lowerBound(toMs) - this.lowerBound(fromMs);
  }

  newest(): StoredPoint | undefined {
    return this.size === 0 ? undefined : this.items[this.items.length - 1];
  }
}

function toStored(p: Point): StoredPoint {
  return {
    timestampMs: p.timestampMs,
    machineType: p.machineType,
    location: p.location,
    fields: { ...p.fields },
  };
}

function pick(
  fields: Record<string, number>,
  channels: string[] | undefined,
): Record<string, number> | undefined {
  if (channels === undefined) return { ...fields };
  let out: Record<string, number> | undefined;
  for (const c of channels) {
    const v = fields[c];
    if (v !== undefined) (out ??= {})[c] = v;
  }
  return out;
}

interface Accumulator {
  count: number;
  sum: number;
  min: number;
  max: number;
}

/**
 * The embedded TimeSeriesStore for the lite profile and fast tests: points in memory, sorted per machine, with
 * the same keys, validation, window alignment and errors as the InfluxDB adapter (both pass one contract suite).
 * Nothing survives the process.
 */
export class EmbeddedTimeSeriesStore implements TimeSeriesStore {
  private readonly machines = new Map<string, MachineSeries>();
  private readonly maxPointsPerMachine: number;
  private isClosed = false;

  constructor(options: EmbeddedTimeSeriesStoreOptions = {}) {
    const max = options.maxPointsPerMachine ?? DEFAULT_MAX_POINTS_PER_MACHINE;
    if (!Number.isSafeInteger(max) || max < 1)
      throw new AppError(ErrorCode.CONFIG_INVALID, 'maxPointsPerMachine must be a positive integer');
    this.maxPointsPerMachine = max;
  }

  async connect(): Promise<void> {
    this.assertOpen();
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    this.isClosed = true;
    this.machines.clear();
  }

  async writePoints(points: Point[]): Promise<void> {
    this.assertOpen();
    validatePoints(points);
    const touched = new Set<MachineSeries>();
    for (const p of points) {
      let series = this.machines.get(p.machineId);
      if (!series) {
        series = new MachineSeries();
        this.machines.set(p.machineId, series);
      }
      series.upsert(p);
      touched.add(series);
    }
    for (const series of touched) series.trim(this.maxPointsPerMachine);
  }

  async queryRange(query: RangeQuery): Promise<RangeResult> {
    this.assertOpen();
    const q = normalizeRangeQuery(query);
    const series = this.machines.get(q.machineId);
    return q.windowMs === undefined ? this.raw(q, series) : this.windowed(q, q.windowMs, series);
  }

  private raw(q: NormalizedRangeQuery, series: MachineSeries | undefined): RangeResult {
    const rows: RawRow[] = [];
    let truncated = false;
    if (series) {
      for (const p of series.range(q.fromMs, q.toMs)) {
        const values = pick(p.fields, q.channels);
        if (!values) continue;
        if (rows.length === q.limit) {
          truncated = true;
          break;
        }
        rows.push({ timestampMs: p.timestampMs, values });
      }
    }
    return { kind: 'raw', machineId: q.machineId, rows, truncated };
  }

  private windowed(
    q: NormalizedRangeQuery,
    windowMs: number,
    series: MachineSeries | undefined,
  ): RangeResult {
    const windows: Array<{ start: number; channels: Map<string, Accumulator> }> = [];
    let truncated = false;
    if (series) {
      for (const p of series.range(q.fromMs, q.toMs)) {
        const values = pick(p.fields, q.channels);
        if (!values) continue;
        const start = windowStart(p.timestampMs, windowMs);
        let current = windows[windows.length - 1];
        if (!current || current.start !== start) {
          if (windows.length === q.limit) {
            truncated = true;
            break;
          }
          current = { start, channels: new Map() };
          windows.push(current);
        }
        for (const [channel, v] of Object.entries(values)) {
          const acc = current.channels.get(channel);
          if (!acc) current.channels.set(channel, { count: 1, sum: v, min: v, max: v });
          else {
            acc.count++;
            acc.sum += v;
            if (v < acc.min) acc.min = v;
            if (v > acc.max) acc.max = v;
          }
        }
      }
    }
    const rows: WindowRow[] = windows.map(({ start, channels }) => {
      const values: WindowRow['values'] = {};
      for (const [channel, acc] of channels) {
        const out: Partial<Record<Aggregate, number>> = {};
        for (const a of q.aggregates) out[a] = a === 'mean' ? acc.sum / acc.count : acc[a];
        values[channel] = out;
      }
      return { timestampMs: start, values };
    });
    return { kind: 'windowed', machineId: q.machineId, windowMs, rows, truncated };
  }

  async latest(options?: { machineIds?: string[] }): Promise<LatestReading[]> {
    this.assertOpen();
    validateLatestOptions(options);
    const ids = options?.machineIds ?? [...this.machines.keys()];
    const out: LatestReading[] = [];
    for (const machineId of new Set(ids)) {
      const p = this.machines.get(machineId)?.newest();
      if (!p) continue;
      out.push({
        machineId,
        machineType: p.machineType,
        location: p.location,
        timestampMs: p.timestampMs,
        values: { ...p.fields },
      });
    }
    return out.sort((a, b) => (a.machineId < b.machineId ? -1 : a.machineId > b.machineId ? 1 : 0));
  }

  async countPoints(query: CountQuery): Promise<number> {
    this.assertOpen();
    validateCountQuery(query);
    const ids = query.machineIds ? new Set(query.machineIds) : this.machines.keys();
    let total = 0;
    for (const id of ids) total += this.machines.get(id)?.count(query.fromMs, query.toMs) ?? 0;
    return total;
  }

  private assertOpen(): void {
    if (this.isClosed)
      throw new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'the embedded time-series store is closed');
  }
}

export function createEmbeddedTimeSeriesStore(
  options?: EmbeddedTimeSeriesStoreOptions,
): EmbeddedTimeSeriesStore {
  return new EmbeddedTimeSeriesStore(options);
}
