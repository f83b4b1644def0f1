import { SCHEMA_VERSIONS, type SensorReading } from '@industrialmind/contracts';
import { GROUND_TRUTH_SCHEMA_VERSION, type GroundTruthRecord } from '../ground-truth';

/** One row of a reference data set, parsed but not yet placed in time. */
export interface DatasetRow {
  source: 'skab' | 'cmapss';
  machineId: string;
  machineType: string;
  /** 1-based line in the source file, for ids and error messages. */
  line: number;
  /** The row's own time (SKAB) or the synthesized one (C-MAPSS), epoch ms. */
  timestampMs: number;
  /** Wire channel name to value; a missing or non-numeric cell leaves its channel out. */
  readings: Record<string, number>;
  /** SKAB labels. */
  anomaly?: boolean;
  changepoint?: boolean;
  /** C-MAPSS: the cycle number and, when known, the remaining cycles. */
  cycle?: number;
  rulCycles?: number;
}

/** A line the parser could not use, with why. */
export interface InvalidLine {
  line: number;
  reason: string;
}

export interface PlaceOptions {
  /** Added to the row's timestamp: 0 keeps it, `now - first` moves the data set to the present. */
  shiftMs?: number;
  /** Appended to reading ids so that a shifted replay does not reuse the ids of an earlier one. */
  idTag?: string;
}

/** What a replay publishes for one row: the reading and its ground truth, both keyed by `machine_id`. */
export interface ReplayRecord {
  reading: SensorReading;
  truth: GroundTruthRecord;
}

/**
 * Turns a row into a reading (and its ground-truth labels) at its final time. The reading id is
 * `<machine_id>-r<line>[-<tag>]`: replaying the same file with the same placement gives the same ids, so sinks
 * that deduplicate by id or by time stay idempotent.
 */
export function toReplayRecord(row: DatasetRow, options: PlaceOptions = {}): ReplayRecord {
  const timestamp = new Date(row.timestampMs + (options.shiftMs ?? 0)).toISOString();
  const readingId = `${row.machineId}-r${row.line}${options.idTag === undefined ? '' : `-${options.idTag}`}`;
  const truth: GroundTruthRecord = {
    schema_version: GROUND_TRUTH_SCHEMA_VERSION,
    source: row.source,
    reading_id: readingId,
    machine_id: row.machineId,
    machine_type: row.machineType,
    timestamp,
    active_faults: [],
  };
  if (row.anomaly !== undefined) truth.anomaly = row.anomaly;
  if (row.changepoint !== undefined) truth.changepoint = row.changepoint;
  if (row.rulCycles !== undefined) truth.rul_cycles = row.rulCycles;
  const reading: SensorReading = {
    schema_version: SCHEMA_VERSIONS['sensor-readings'],
    reading_id: readingId,
    timestamp,
    machine_id: row.machineId,
    machine_type: row.machineType,
    readings: row.readings,
    metadata:
      row.cycle === undefined
        ? { dataset: row.source, source_line: row.line }
        : { dataset: row.source, source_line: row.line, cycle: row.cycle },
  };
  return { reading, truth };
}

/** A file's path relative to the data set root -> a machine id: `valve1/3.csv` -> `skab-valve1-3`. */
export function machineIdFromPath(prefix: string, relativePath: string): string {
  const stem = relativePath
    .replace(/\\/g, '/')
    .replace(/\.[^./]+$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${prefix}-${stem || 'data'}`.slice(0, 120);
}
