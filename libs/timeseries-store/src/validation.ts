import { AppError, ErrorCode } from '@industrialmind/errors';
import type { Aggregate, CountQuery, Point, RangeQuery } from './port';

/** Rows returned by queryRange when the query names no limit. */
export const DEFAULT_QUERY_LIMIT = 10_000;
/** Upper bound on `RangeQuery.limit`: a caller wanting more pages through time instead. */
export const MAX_QUERY_LIMIT = 1_000_000;
/** Upper bound on the machine ids one query may name (they become one filter expression). */
export const MAX_QUERY_MACHINE_IDS = 1_000;
/**
 * Newest storable timestamp. InfluxDB keeps nanoseconds in an int64, which ends at 2262-04-11; both adapters
 * refuse what the real store would, so the embedded one is a faithful stand-in.
 */
export const MAX_TIMESTAMP_MS = Date.UTC(2262, 0, 1) - 1;
export const ALL_AGGREGATES: readonly Aggregate[] = ['mean', 'min', 'max'];

/**
 * Names that cannot be channels: the tags a point is keyed by, InfluxDB's `time`, and Flux's result columns.
 * Names starting with `_` (`_value`, `_field`, ...) are InfluxDB's own and refused too.
 */
const RESERVED_CHANNELS = new Set(['machine_id', 'machine_type', 'location', 'time', 'result', 'table']);

// Line protocol cannot carry control characters (a newline ends the line) and treats a backslash as an escape only
// before some characters, so a trailing one would swallow the separator after it. Refusing both keeps every
// identifier representable unchanged in line protocol, Flux string literals and the embedded store alike.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_IDENTIFIER = /[\u0000-\u001f\u007f\\]/;

function invalid(message: string, details?: Record<string, unknown>): AppError {
  return new AppError(ErrorCode.VALIDATION_FAILED, message, details === undefined ? {} : { details });
}

function checkIdentifier(what: string, value: unknown, { allowEmpty = false } = {}): string | undefined {
  if (typeof value !== 'string') return `${what} must be a string`;
  if (value.length === 0) return allowEmpty ? undefined : `${what} must not be empty`;
  if (value.length > 256) return `${what} must be at most 256 characters`;
  if (UNSAFE_IDENTIFIER.test(value)) return `${what} must not contain control characters or backslashes`;
  return undefined;
}

function checkChannel(name: string): string | undefined {
  const problem = checkIdentifier('channel name', name);
  if (problem) return `${problem} (${JSON.stringify(name)})`;
  if (name.startsWith('_') || RESERVED_CHANNELS.has(name))
    return `channel name ${JSON.stringify(name)} is reserved`;
  return undefined;
}

function isTimestamp(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= MAX_TIMESTAMP_MS;
}

/**
 * Identifiers and channel names already found valid in this batch. A batch repeats the same few machines and
 * channels thousands of times; a Set lookup is cheaper than the checks (a regex each).
 */
type Known = Set<string>;

function identifierProblem(
  known: Known,
  what: string,
  value: unknown,
  options?: { allowEmpty?: boolean },
): string | undefined {
  if (typeof value === 'string' && value.length > 0 && known.has(value)) return undefined;
  const problem = checkIdentifier(what, value, options);
  if (problem === undefined && typeof value === 'string' && value.length > 0) known.add(value);
  return problem;
}

function pointProblem(p: Point, tags: Known, channels: Known): string | undefined {
  if (p === null || typeof p !== 'object') return 'a point must be an object';
  const tagProblem =
    identifierProblem(tags, 'machineId', p.machineId) ??
    identifierProblem(tags, 'machineType', p.machineType) ??
    identifierProblem(tags, 'location', p.location, { allowEmpty: true });
  if (tagProblem) return tagProblem;
  if (!isTimestamp(p.timestampMs))
    return `timestampMs must be an integer from 0 to ${MAX_TIMESTAMP_MS} (got ${String(p.timestampMs)})`;
  const fields = p.fields;
  if (fields === null || typeof fields !== 'object') return 'fields must be an object';
  let count = 0;
  for (const name in fields) {
    if (!Object.prototype.hasOwnProperty.call(fields, name)) continue;
    count++;
    if (!channels.has(name)) {
      const channelProblem = checkChannel(name);
      if (channelProblem) return channelProblem;
      channels.add(name);
    }
    const value = fields[name];
    if (typeof value !== 'number' || !Number.isFinite(value))
      return `field ${JSON.stringify(name)} must be a finite number (got ${String(value)})`;
  }
  if (count === 0) return 'a point needs at least one field';
  return undefined;
}

/**
 * Checks a whole batch before anything is written, so a bad point never leaves half a batch stored. Throws one
 * VALIDATION_FAILED listing the first bad points (index and reason) in `details.problems`.
 */
export function validatePoints(points: readonly Point[]): void {
  if (!Array.isArray(points)) throw invalid('points must be an array');
  const problems: Array<{ index: number; reason: string }> = [];
  const tags: Known = new Set();
  const channels: Known = new Set();
  for (let i = 0; i < points.length; i++) {
    const reason = pointProblem(points[i]!, tags, channels);
    if (reason) {
      problems.push({ index: i, reason });
      if (problems.length >= 20) break;
    }
  }
  if (problems.length > 0) {
    const first = problems[0]!;
    throw invalid(`invalid point at index ${first.index}: ${first.reason}`, { problems });
  }
}

function checkTimeRange(fromMs: unknown, toMs: unknown): void {
  if (!isTimestamp(fromMs)) throw invalid(`fromMs must be an integer from 0 to ${MAX_TIMESTAMP_MS}`);
  if (!Number.isSafeInteger(toMs) || (toMs as number) > MAX_TIMESTAMP_MS + 1)
    throw invalid(`toMs must be an integer up to ${MAX_TIMESTAMP_MS + 1}`);
  if (fromMs >= (toMs as number)) throw invalid('fromMs must be before toMs');
}

function checkMachineIds(ids: unknown): void {
  if (ids === undefined) return;
  if (!Array.isArray(ids)) throw invalid('machineIds must be an array');
  if (ids.length > MAX_QUERY_MACHINE_IDS)
    throw invalid(`at most ${MAX_QUERY_MACHINE_IDS} machineIds per query`);
  for (const id of ids) {
    const problem = checkIdentifier('machineIds entry', id);
    if (problem) throw invalid(problem);
  }
}

/** A RangeQuery with its defaults applied. */
export interface NormalizedRangeQuery {
  machineId: string;
  fromMs: number;
  toMs: number;
  windowMs?: number;
  aggregates: Aggregate[];
  /** Undefined = all channels. */
  channels?: string[];
  limit: number;
}

export function normalizeRangeQuery(q: RangeQuery): NormalizedRangeQuery {
  if (q === null || typeof q !== 'object') throw invalid('a range query must be an object');
  const idProblem = checkIdentifier('machineId', q.machineId);
  if (idProblem) throw invalid(idProblem);
  checkTimeRange(q.fromMs, q.toMs);
  if (q.windowMs !== undefined && !(Number.isSafeInteger(q.windowMs) && q.windowMs > 0))
    throw invalid('windowMs must be a positive integer');
  const aggregates = q.aggregates ?? [...ALL_AGGREGATES];
  if (
    !Array.isArray(aggregates) ||
    aggregates.length === 0 ||
    !aggregates.every((a) => ALL_AGGREGATES.includes(a))
  )
    throw invalid(`aggregates must be a non-empty list of ${ALL_AGGREGATES.join(', ')}`);
  if (q.channels !== undefined) {
    if (!Array.isArray(q.channels) || q.channels.length === 0)
      throw invalid('channels must be a non-empty list when given');
    for (const c of q.channels) {
      const problem = checkChannel(c);
      if (problem) throw invalid(problem);
    }
  }
  const limit = q.limit ?? DEFAULT_QUERY_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_QUERY_LIMIT)
    throw invalid(`limit must be an integer from 1 to ${MAX_QUERY_LIMIT}`);
  return {
    machineId: q.machineId,
    fromMs: q.fromMs,
    toMs: q.toMs,
    ...(q.windowMs === undefined ? {} : { windowMs: q.windowMs }),
    aggregates: [...new Set(aggregates)],
    ...(q.channels === undefined ? {} : { channels: [...new Set(q.channels)] }),
    limit,
  };
}

export function validateCountQuery(q: CountQuery): void {
  if (q === null || typeof q !== 'object') throw invalid('a count query must be an object');
  checkTimeRange(q.fromMs, q.toMs);
  checkMachineIds(q.machineIds);
}

export function validateLatestOptions(options: { machineIds?: string[] } | undefined): void {
  if (options !== undefined) checkMachineIds(options.machineIds);
}

/** Start of the epoch-aligned window of length `windowMs` that holds `timestampMs`. */
export function windowStart(timestampMs: number, windowMs: number): number {
  return Math.floor(timestampMs / windowMs) * windowMs;
}
