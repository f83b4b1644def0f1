import * as http from 'node:http';
import * as https from 'node:https';
import { AppError, ErrorCode } from '@industrialmind/errors';
import { HttpError, InfluxDB, RequestTimedOutError, type QueryApi } from '@influxdata/influxdb-client';
import { anyOf, fluxDurationMs, fluxStopBefore, fluxString, fluxTime, parseFluxTimeMs } from './flux';
import { encodeLines, escapeMeasurement } from './line-protocol';
import { silentLogger, type StoreLogger } from './logger';
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
  MAX_TIMESTAMP_MS,
  normalizeRangeQuery,
  validateCountQuery,
  validateLatestOptions,
  validatePoints,
  windowStart,
  type NormalizedRangeQuery,
} from './validation';

export interface InfluxTimeSeriesStoreOptions {
  /** Base URL of the InfluxDB HTTP API, e.g. `http://127.0.0.1:8086`. */
  url: string;
  /** API token (InfluxDB 2), or `user:password` on 1.8 with auth on; omitted = no Authorization header. */
  token?: string;
  /** Organization (InfluxDB 2); InfluxDB 1.8 ignores it. Default ''. */
  org?: string;
  /** Bucket; on InfluxDB 1.8 `<database>/<retention policy>`, e.g. `industrialmind/autogen`. */
  bucket: string;
  /** Measurement that holds the readings (default `sensor_reading`). */
  measurement?: string;
  /** Per HTTP request: the whole write request, and the silence allowed while a query streams (default 10 s). */
  timeoutMs?: number;
  /** Points per write request; larger batches are sent as several requests in sequence (default 5,000). */
  writeBatchPoints?: number;
  logger?: StoreLogger;
}

export const DEFAULT_MEASUREMENT = 'sensor_reading';
export const DEFAULT_INFLUX_TIMEOUT_MS = 10_000;
export const DEFAULT_WRITE_BATCH_POINTS = 5_000;

/** Columns of a Flux result row that are not channels. */
const META_COLUMNS = new Set([
  'result',
  'table',
  '_start',
  '_stop',
  '_time',
  '_measurement',
  'machine_id',
  'machine_type',
  'location',
]);

const EPOCH = fluxTime(0);
/** Exclusive upper bound of every stored timestamp, for queries that mean "all time". */
const END_OF_TIME = fluxStopBefore(MAX_TIMESTAMP_MS + 1);

type FluxRow = Record<string, unknown>;

/**
 * TimeSeriesStore on InfluxDB's v2 HTTP API (InfluxDB 2.x, or 1.8 with `flux-enabled`). One measurement
 * (`sensor_reading`), tags `machine_id`, `machine_type`, `location` (left out when empty), one float field per
 * channel, ms precision. A point's key is measurement + tags + timestamp, so writing it again replaces its values:
 * replays are idempotent.
 *
 * Writes post line protocol (written as bytes, `encodeLines`) to `/api/v2/write` over node:http with a keep-alive
 * agent, and resolve only on InfluxDB's 204, one request at a time per call: no background batching and no
 * retries here (the caller batches, and its consumer retries). node:http rather than `fetch`: fetch's web
 * streams cost ~0.3 µs of CPU per point more on 5,000-point bodies (measured), on the ingestion hot path.
 * Queries are Flux through `@influxdata/influxdb-client`'s QueryApi.
 */
export class InfluxTimeSeriesStore implements TimeSeriesStore {
  private readonly url: string;
  private readonly bucket: string;
  private readonly measurement: string;
  private readonly measurementLp: string;
  private readonly timeoutMs: number;
  private readonly writeBatchPoints: number;
  private readonly writeUrl: string;
  private readonly headers: Record<string, string>;
  private readonly queryApi: QueryApi;
  private readonly agent: http.Agent;
  private readonly logger: StoreLogger;
  private isClosed = false;

  constructor(options: InfluxTimeSeriesStoreOptions) {
    let base: URL | undefined;
    try {
      base = new URL(options.url);
    } catch {
      // reported below
    }
    if (!base || (base.protocol !== 'http:' && base.protocol !== 'https:'))
      throw new AppError(
        ErrorCode.CONFIG_INVALID,
        `invalid InfluxDB url ${JSON.stringify(options.url)}: need http(s)`,
      );
    if (!options.bucket) throw new AppError(ErrorCode.CONFIG_INVALID, 'an InfluxDB bucket is required');
    this.url = base.toString().replace(/\/+$/, '');
    this.bucket = options.bucket;
    this.measurement = options.measurement ?? DEFAULT_MEASUREMENT;
    this.measurementLp = escapeMeasurement(this.measurement);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_INFLUX_TIMEOUT_MS;
    this.writeBatchPoints = options.writeBatchPoints ?? DEFAULT_WRITE_BATCH_POINTS;
    if (!(this.writeBatchPoints >= 1))
      throw new AppError(ErrorCode.CONFIG_INVALID, 'writeBatchPoints must be >= 1');
    this.logger = options.logger ?? silentLogger;
    const org = options.org ?? '';
    const params = new URLSearchParams({ org, bucket: this.bucket, precision: 'ms' });
    this.writeUrl = `${this.url}/api/v2/write?${params.toString()}`;
    this.headers = {
      'content-type': 'text/plain; charset=utf-8',
      ...(options.token ? { authorization: `Token ${options.token}` } : {}),
    };
    const client = new InfluxDB({
      url: this.url,
      ...(options.token ? { token: options.token } : {}),
      timeout: this.timeoutMs,
    });
    this.queryApi = client.getQueryApi(org);
    this.agent =
      base.protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  }

  /** Checks that the server answers and that the bucket can be queried (on 1.8: that the database exists). */
  async connect(): Promise<void> {
    await this.ping();
    try {
      await this.rows(`from(bucket: ${fluxString(this.bucket)}) |> range(start: -1ms) |> limit(n: 1)`);
    } catch (err) {
      const e = err as AppError;
      throw new AppError(
        e.code,
        `InfluxDB bucket ${JSON.stringify(this.bucket)} is not usable: ${e.message}`,
        {
          cause: err,
          retryable: e.retryable,
        },
      );
    }
    this.logger.info({ url: this.url, bucket: this.bucket }, 'time-series store connected');
  }

  async ping(): Promise<void> {
    this.assertOpen();
    const res = await this.request(`${this.url}/health`, { method: 'GET' });
    await this.consume(res, 'ping');
  }

  async close(): Promise<void> {
    this.isClosed = true;
    this.agent.destroy();
  }

  async writePoints(points: Point[]): Promise<void> {
    this.assertOpen();
    validatePoints(points);
    // Encoded up front, so the points are garbage before the first request goes out: at 100k points/s, points
    // kept alive while InfluxDB answers survive young-generation GCs and make them expensive.
    const bodies: Array<{ body: Buffer; points: number }> = [];
    for (let from = 0; from < points.length; from += this.writeBatchPoints) {
      const to = Math.min(points.length, from + this.writeBatchPoints);
      bodies.push({ body: encodeLines(this.measurementLp, points, from, to), points: to - from });
    }
    for (const { body, points: count } of bodies) {
      const startedAt = Date.now();
      const { status, body: answer } = await this.post(body);
      if (status < 200 || status > 299) throw httpError(status, serverMessage(answer), 'write');
      this.logger.debug({ points: count, durationMs: Date.now() - startedAt }, 'points written');
    }
  }

  async queryRange(query: RangeQuery): Promise<RangeResult> {
    this.assertOpen();
    const q = normalizeRangeQuery(query);
    return q.windowMs === undefined ? this.raw(q) : this.windowed(q, q.windowMs);
  }

  private selection(q: NormalizedRangeQuery): string {
    return [
      `from(bucket: ${fluxString(this.bucket)})`,
      `  |> range(start: ${fluxTime(q.fromMs)}, stop: ${fluxStopBefore(q.toMs)})`,
      `  |> filter(fn: (r) => r._measurement == ${fluxString(this.measurement)} and r.machine_id == ${fluxString(q.machineId)})`,
      ...(q.channels ? [`  |> filter(fn: (r) => ${anyOf('_field', q.channels)})`] : []),
    ].join('\n');
  }

  private async raw(q: NormalizedRangeQuery): Promise<RangeResult> {
    // One row per point: fields become columns. group() merges the machine's series (should it have several
    // machine types or locations) so that sort and limit apply to all of its points.
    const flux = [
      this.selection(q),
      '  |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")',
      '  |> group()',
      '  |> sort(columns: ["_time", "machine_type", "location"])',
      `  |> limit(n: ${q.limit + 1})`,
    ].join('\n');
    const rows: RawRow[] = [];
    for (const r of await this.rows(flux)) {
      const values: Record<string, number> = {};
      for (const key in r) {
        const v = r[key];
        if (!META_COLUMNS.has(key) && typeof v === 'number') values[key] = v;
      }
      rows.push({ timestampMs: parseFluxTimeMs(r._time as string), values });
    }
    const truncated = rows.length > q.limit;
    if (truncated) rows.length = q.limit;
    return { kind: 'raw', machineId: q.machineId, rows, truncated };
  }

  private async windowed(q: NormalizedRangeQuery, windowMs: number): Promise<RangeResult> {
    // Flux windows are aligned to the epoch; the first one is clipped to the range start, so its _start (copied
    // to _time) may be unaligned and is floored below. Per field, the first limit+1 windows are enough to know
    // the first `limit` windows of all fields together and whether there are more.
    const perAggregate = q.aggregates.map(
      (a) =>
        `data\n  |> aggregateWindow(every: ${fluxDurationMs(windowMs)}, fn: ${a}, createEmpty: false, timeSrc: "_start")\n` +
        `  |> sort(columns: ["_time"])\n  |> limit(n: ${q.limit + 1})\n  |> yield(name: "${a}")`,
    );
    const flux = [`data = ${this.selection(q)}\n  |> group(columns: ["_field"])`, ...perAggregate].join('\n');
    const windows = new Map<number, WindowRow['values']>();
    for (const r of await this.rows(flux)) {
      const start = windowStart(parseFluxTimeMs(r._time as string), windowMs);
      let values = windows.get(start);
      if (!values) {
        values = {};
        windows.set(start, values);
      }
      const channel = r._field as string;
      (values[channel] ??= {})[r.result as Aggregate] = r._value as number;
    }
    const starts = [...windows.keys()].sort((a, b) => a - b);
    const truncated = starts.length > q.limit;
    const rows = starts
      .slice(0, q.limit)
      .map((timestampMs) => ({ timestampMs, values: windows.get(timestampMs)! }));
    return { kind: 'windowed', machineId: q.machineId, windowMs, rows, truncated };
  }

  async latest(options?: { machineIds?: string[] }): Promise<LatestReading[]> {
    this.assertOpen();
    validateLatestOptions(options);
    const ids = options?.machineIds;
    if (ids !== undefined && ids.length === 0) return [];
    // last() per series and field; the newest point of a machine is the newest key among them, and its values are
    // the fields whose last record has exactly that key.
    const flux = [
      `from(bucket: ${fluxString(this.bucket)})`,
      `  |> range(start: ${EPOCH}, stop: ${END_OF_TIME})`,
      `  |> filter(fn: (r) => r._measurement == ${fluxString(this.measurement)}${ids ? ` and ${anyOf('machine_id', ids)}` : ''})`,
      '  |> last()',
    ].join('\n');
    const byMachine = new Map<string, LatestReading>();
    for (const r of await this.rows(flux)) {
      const candidate: LatestReading = {
        machineId: r.machine_id as string,
        machineType: r.machine_type as string,
        location: (r.location as string | null | undefined) ?? '',
        timestampMs: parseFluxTimeMs(r._time as string),
        values: { [r._field as string]: r._value as number },
      };
      const current = byMachine.get(candidate.machineId);
      const order = current ? compareLatest(candidate, current) : 1;
      if (order > 0) byMachine.set(candidate.machineId, candidate);
      else if (order === 0) Object.assign(current!.values, candidate.values);
    }
    return [...byMachine.values()].sort((a, b) =>
      a.machineId < b.machineId ? -1 : a.machineId > b.machineId ? 1 : 0,
    );
  }

  async countPoints(query: CountQuery): Promise<number> {
    this.assertOpen();
    validateCountQuery(query);
    const ids = query.machineIds;
    if (ids !== undefined && ids.length === 0) return 0;
    // A point is one timestamp of one series (whatever fields it has), so count distinct _time per series rather
    // than records (one per field). unique() is cheaper here than pivot() (it builds no wide rows).
    const flux = [
      `from(bucket: ${fluxString(this.bucket)})`,
      `  |> range(start: ${fluxTime(query.fromMs)}, stop: ${fluxStopBefore(query.toMs)})`,
      `  |> filter(fn: (r) => r._measurement == ${fluxString(this.measurement)}${ids ? ` and ${anyOf('machine_id', [...new Set(ids)])}` : ''})`,
      '  |> group(columns: ["machine_id", "machine_type", "location"])',
      '  |> unique(column: "_time")',
      '  |> count()',
      '  |> group()',
      '  |> sum()',
    ].join('\n');
    const rows = await this.rows(flux);
    return rows.reduce((total, r) => total + (typeof r._value === 'number' ? r._value : 0), 0);
  }

  private async rows(flux: string): Promise<FluxRow[]> {
    try {
      return await this.queryApi.collectRows<FluxRow>(flux, (values, meta) => meta.toObject(values));
    } catch (err) {
      throw toStoreError(err, 'query');
    }
  }

  private async request(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw toStoreError(err, init.method === 'GET' ? 'ping' : 'write');
    }
  }

  /**
   * POSTs a write body and reads the answer to the end (so the connection is reused). Socket errors and the
   * timeout reject with errors {@link toStoreError} maps (a code such as ECONNREFUSED, or ETIMEDOUT).
   */
  private post(body: Buffer): Promise<{ status: number; body: string }> {
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const client = this.writeUrl.startsWith('https:') ? https : http;
      const req = client.request(
        this.writeUrl,
        {
          method: 'POST',
          agent: this.agent,
          headers: { ...this.headers, 'content-length': String(body.byteLength) },
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () =>
        req.destroy(Object.assign(new Error(`no answer within ${this.timeoutMs} ms`), { code: 'ETIMEDOUT' })),
      );
      req.on('error', reject);
      req.end(body);
    }).catch((err: unknown) => {
      throw toStoreError(err, 'write');
    });
  }

  /** Reads the response to the end (so the connection is reused) and throws an AppError unless it is 2xx. */
  private async consume(res: Response, operation: Operation): Promise<void> {
    let body: string;
    try {
      body = await res.text();
    } catch (err) {
      throw toStoreError(err, operation);
    }
    if (!res.ok) throw httpError(res.status, serverMessage(body), operation);
  }

  private assertOpen(): void {
    if (this.isClosed)
      throw new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'the InfluxDB time-series store is closed');
  }
}

/** Orders two "last" records of one machine by key: timestamp, then machine type, then location. */
function compareLatest(a: LatestReading, b: LatestReading): number {
  if (a.timestampMs !== b.timestampMs) return a.timestampMs - b.timestampMs;
  if (a.machineType !== b.machineType) return a.machineType < b.machineType ? -1 : 1;
  if (a.location !== b.location) return a.location < b.location ? -1 : 1;
  return 0;
}

type Operation = 'write' | 'query' | 'ping';

/** The server's reason: `{"error": …}` (1.8), `{"message": …}` (2.x), or the text itself. */
function serverMessage(body: string): string {
  try {
    const json = JSON.parse(body) as { error?: unknown; message?: unknown };
    if (typeof json.error === 'string') return json.error;
    if (typeof json.message === 'string') return json.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return body.slice(0, 500);
}

/**
 * Maps an HTTP status to a coded error. Refused points (400, 413, 422) are VALIDATION_FAILED: the same batch will
 * fail again. Everything that says "InfluxDB cannot take it now" is UPSTREAM_*, retryable, so a consumer blocks
 * rather than dead-lettering readings that did nothing wrong: 5xx and 429, and also 401/403 (wrong token) and
 * 404 (bucket missing), which an operator fixes while the consumer waits.
 */
export function httpError(status: number, message: string, operation: Operation): AppError {
  const text = `InfluxDB ${operation} failed with HTTP ${status}: ${message}`;
  const details = { status, operation };
  if (status === 408 || status === 504) return new AppError(ErrorCode.UPSTREAM_TIMEOUT, text, { details });
  if (status === 400 || status === 413 || status === 422)
    return new AppError(ErrorCode.VALIDATION_FAILED, text, { details });
  return new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, text, { details });
}

// Socket-level failures: the server is not there (refused, reset, unreachable) or did not answer in time.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Translates whatever fetch or the Influx client threw into an AppError. */
export function toStoreError(err: unknown, operation: Operation): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof HttpError) {
    const json = err.json as { error?: unknown; message?: unknown } | undefined;
    const message =
      (typeof json?.error === 'string' && json.error) ||
      (typeof json?.message === 'string' && json.message) ||
      serverMessage(err.body ?? err.message);
    return httpError(err.statusCode, message, operation);
  }
  const reason = describe(err);
  if (err instanceof RequestTimedOutError || isTimeout(err))
    return new AppError(ErrorCode.UPSTREAM_TIMEOUT, `InfluxDB ${operation} timed out: ${reason}`, {
      cause: err,
    });
  if (networkCode(err) !== undefined)
    return new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, `InfluxDB ${operation} failed: ${reason}`, {
      cause: err,
    });
  return new AppError(ErrorCode.INTERNAL, `InfluxDB ${operation} failed: ${reason}`, {
    cause: err,
    retryable: false,
  });
}

// Errors are inspected by shape, not with instanceof: fetch's errors come from Node's own realm, which is not the
// caller's under jest (and two copies of a class never match each other).
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isTimeout(err: unknown): boolean {
  if (isObject(err) && err.name === 'TimeoutError') return true; // AbortSignal.timeout
  const code = networkCode(err);
  return code !== undefined && TIMEOUT_CODES.has(code);
}

/** The first socket error code on the error or its causes (fetch wraps them in `TypeError: fetch failed`). */
function networkCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && isObject(current); depth++) {
    const code = current.code;
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || TIMEOUT_CODES.has(code))) return code;
    // Node's connect to a name with several addresses fails with an AggregateError of the attempts.
    current = current.cause ?? (Array.isArray(current.errors) ? current.errors[0] : undefined);
  }
  return undefined;
}

function describe(err: unknown): string {
  const code = networkCode(err);
  const message = isObject(err) && typeof err.message === 'string' ? err.message : String(err);
  return code === undefined || message.includes(code) ? message : `${message} (${code})`;
}

export function createInfluxTimeSeriesStore(options: InfluxTimeSeriesStoreOptions): InfluxTimeSeriesStore {
  return new InfluxTimeSeriesStore(options);
}
