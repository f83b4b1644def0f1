import { SKAB_MACHINE_TYPE } from '@industrialmind/contracts';
import { readLines, type TextChunks } from './lines';
import type { DatasetRow, InvalidLine } from './record';

export interface SkabParseOptions {
  /** The machine this file becomes (see `machineIdFromPath`). */
  machineId: string;
  /**
   * SKAB's `datetime` has no zone. The offset of those local times from UTC, `Z` or `±hh:mm`; default `Z`
   * (the data set does not say; the test bed was in Moscow, UTC+03:00).
   */
  utcOffset?: string;
  /** Called for each line that is skipped, with the reason. */
  onInvalid?: (problem: InvalidLine) => void;
}

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;
const OFFSET = /^(?:Z|([+-])(\d{2}):?(\d{2}))$/;

/** `Z`, `+03:00`, `-0530` -> minutes east of UTC; throws RangeError on anything else. */
export function parseUtcOffset(offset: string): number {
  const match = OFFSET.exec(offset);
  if (match === null) throw new RangeError(`UTC offset must be Z or ±hh:mm, got "${offset}"`);
  if (match[1] === undefined) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

function parseDatetime(text: string, offsetMinutes: number): number | undefined {
  const m = DATETIME.exec(text.trim());
  if (m === null) return undefined;
  const ms = m[7] === undefined ? 0 : Math.round(Number(`0.${m[7]}`) * 1000);
  const utc = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    ms,
  );
  return Number.isFinite(utc) ? utc - offsetMinutes * 60_000 : undefined;
}

const WIRE_NAME_BY_COLUMN = new Map(
  SKAB_MACHINE_TYPE.channels.map((c) => [c.source_name ?? c.name, c.name] as const),
);

/**
 * Streams one SKAB CSV (`;`-separated; `datetime`, the 8 sensor columns, and in the labelled files `anomaly` and
 * `changepoint` as 0.0/1.0) into rows of machine type `skab`, in file order. Columns are found by their header
 * name, so their order does not matter; an unknown column is reported once and ignored. A row whose time is not
 * later than the previous row's is moved 1 ms after it (readings of a machine must have increasing timestamps).
 */
export async function* parseSkabCsv(
  chunks: TextChunks,
  options: SkabParseOptions,
): AsyncGenerator<DatasetRow> {
  const offsetMinutes = parseUtcOffset(options.utcOffset ?? 'Z');
  const invalid = options.onInvalid ?? (() => undefined);
  let columns: Array<{ index: number; wire: string }> | undefined;
  let timeIndex = -1;
  let anomalyIndex = -1;
  let changepointIndex = -1;
  let width = 0;
  let lastMs = -Infinity;
  for await (const { number, text } of readLines(chunks)) {
    if (text.trim() === '') continue;
    const cells = text.split(';');
    if (columns === undefined) {
      const header = cells.map((c) => c.trim());
      timeIndex = header.indexOf('datetime');
      if (timeIndex < 0) {
        invalid({ line: number, reason: 'header has no "datetime" column; is this a SKAB file?' });
        return;
      }
      anomalyIndex = header.indexOf('anomaly');
      changepointIndex = header.indexOf('changepoint');
      columns = [];
      header.forEach((name, index) => {
        const wire = WIRE_NAME_BY_COLUMN.get(name);
        if (wire !== undefined) columns!.push({ index, wire });
        else if (index !== timeIndex && index !== anomalyIndex && index !== changepointIndex) {
          invalid({ line: number, reason: `unknown column "${name}" ignored` });
        }
      });
      width = header.length;
      continue;
    }
    if (cells.length !== width) {
      invalid({ line: number, reason: `has ${cells.length} fields, the header ${width}` });
      continue;
    }
    let timestampMs = parseDatetime(cells[timeIndex]!, offsetMinutes);
    if (timestampMs === undefined) {
      invalid({ line: number, reason: `datetime "${cells[timeIndex]}" is not YYYY-MM-DD hh:mm:ss` });
      continue;
    }
    if (timestampMs <= lastMs) timestampMs = lastMs + 1;
    const readings: Record<string, number> = {};
    let count = 0;
    for (const { index, wire } of columns) {
      const cell = cells[index]!.trim();
      const value = cell === '' ? NaN : Number(cell);
      if (Number.isFinite(value)) {
        readings[wire] = value;
        count += 1;
      }
    }
    if (count === 0) {
      invalid({ line: number, reason: 'no numeric sensor value' });
      continue;
    }
    lastMs = timestampMs;
    const row: DatasetRow = {
      source: 'skab',
      machineId: options.machineId,
      machineType: SKAB_MACHINE_TYPE.name,
      line: number,
      timestampMs,
      readings,
    };
    if (anomalyIndex >= 0) row.anomaly = Number(cells[anomalyIndex]) >= 0.5;
    if (changepointIndex >= 0) row.changepoint = Number(cells[changepointIndex]) >= 0.5;
    yield row;
  }
}
