/**
 * One sensor reading as stored: a point keyed by (machine_id, machine_type, location, timestamp). Writing the same
 * key again replaces the values of the channels it carries (channels it lacks keep their stored values, as in
 * InfluxDB), so a replay after a crash neither duplicates nor loses anything.
 */
export interface Point {
  machineId: string;
  machineType: string;
  /** Tag; '' when the reading has no location. */
  location: string;
  /** Milliseconds since the epoch (the store's precision). */
  timestampMs: number;
  /** One field per channel; finite numbers only. */
  fields: Record<string, number>;
}

export type Aggregate = 'mean' | 'min' | 'max';

export interface RangeQuery {
  machineId: string;
  /** Inclusive start, ms since the epoch. */
  fromMs: number;
  /** Exclusive end, ms since the epoch. */
  toMs: number;
  /** Downsampling window; omitted = raw points. Windows are aligned to the epoch. */
  windowMs?: number;
  /** Aggregates per channel when windowMs is set (default all three). */
  aggregates?: Aggregate[];
  /** Channels to return (default all). */
  channels?: string[];
  /** Upper bound on rows returned (default 10,000); the result says whether it was truncated. */
  limit?: number;
}

export interface RawRow {
  timestampMs: number;
  values: Record<string, number>;
}

export interface WindowRow {
  /** Start of the window. */
  timestampMs: number;
  /** Per channel, the requested aggregates over the window's points; channels absent in a window are omitted. */
  values: Record<string, Partial<Record<Aggregate, number>>>;
}

export type RangeResult =
  | { kind: 'raw'; machineId: string; rows: RawRow[]; truncated: boolean }
  | { kind: 'windowed'; machineId: string; windowMs: number; rows: WindowRow[]; truncated: boolean };

export interface LatestReading {
  machineId: string;
  machineType: string;
  location: string;
  timestampMs: number;
  /** The newest value of each channel (all from the newest point). */
  values: Record<string, number>;
}

export interface CountQuery {
  fromMs: number;
  toMs: number;
  machineIds?: string[];
}

/**
 * The TimeSeriesStore port: where sensor readings live. `writePoints` resolves only when the points are durable;
 * failures are AppErrors (UPSTREAM_UNAVAILABLE / UPSTREAM_TIMEOUT when the store is down or slow, so consumers
 * block and retry; VALIDATION_FAILED for points the store refuses).
 */
export interface TimeSeriesStore {
  connect(): Promise<void>;
  writePoints(points: Point[]): Promise<void>;
  queryRange(query: RangeQuery): Promise<RangeResult>;
  /** The newest point of every machine (or of the given ones). */
  latest(options?: { machineIds?: string[] }): Promise<LatestReading[]>;
  /** Number of distinct stored points (keys) in the time range: what reliability tests compare with what was sent. */
  countPoints(query: CountQuery): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
