import { CMAPSS_TURBOFAN_MACHINE_TYPE } from '@industrialmind/contracts';
import { readLines, type TextChunks } from './lines';
import type { DatasetRow, InvalidLine } from './record';

/** What is known about the engines' remaining life. */
export type CmapssRul =
  /** Training files: every engine runs until failure, so RUL = last cycle - cycle. */
  | 'run-to-failure'
  /** Test files without their RUL file. */
  | 'unknown'
  /** Test files with `RUL_FD00x.txt`: the RUL after each engine's last cycle, in the order engines appear. */
  | readonly number[];

export interface CmapssParseOptions {
  /** Names the machines: `cmapss-<fileId>-<unit, 3 digits>`, e.g. `cmapss-fd001-train-007`. */
  fileId: string;
  /** Synthesized time of cycle 1 of every engine, epoch ms. */
  startMs: number;
  /** Time between two cycles, ms (C-MAPSS has cycles, not clock time). */
  cycleMs: number;
  rul: CmapssRul;
  onInvalid?: (problem: InvalidLine) => void;
}

const CHANNELS = CMAPSS_TURBOFAN_MACHINE_TYPE.channels.map((c) => c.name);
/** unit, cycle, then one column per channel (3 settings, 21 sensors). */
const COLUMNS = 2 + CHANNELS.length;

/** `train_FD001.txt` -> `fd001-train`; anything else -> its stem in kebab case. */
export function cmapssFileId(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '');
  const match = /^(train|test)_(FD\d{3})$/i.exec(base);
  if (match !== null) return `${match[2]!.toLowerCase()}-${match[1]!.toLowerCase()}`;
  return (
    base
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'data'
  );
}

/** Whether the RUL is known from the file name alone: C-MAPSS training files run to failure. */
export function isRunToFailureFile(fileName: string): boolean {
  return /^train_/i.test(fileName.replace(/^.*[\\/]/, ''));
}

/** Parses an `RUL_FD00x.txt`: one integer per line, engine by engine. */
export async function parseCmapssRul(chunks: TextChunks): Promise<number[]> {
  const values: number[] = [];
  for await (const { number, text } of readLines(chunks)) {
    if (text.trim() === '') continue;
    const value = Number(text.trim());
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(`RUL file line ${number}: "${text.trim()}" is not a whole number of cycles`);
    }
    values.push(value);
  }
  return values;
}

interface EngineRow {
  line: number;
  cycle: number;
  values: number[];
}

/**
 * Streams a C-MAPSS text file (whitespace-separated: unit, cycle, 3 operational settings, 21 sensors) into rows of
 * machine type `cmapss-turbofan`, engine after engine, cycle after cycle. One engine's rows are held until the
 * unit number changes (a few hundred rows at most) so that its RUL can be labelled. Cycle `c` is placed at
 * `startMs + (c - 1) * cycleMs`.
 */
export async function* parseCmapss(
  chunks: TextChunks,
  options: CmapssParseOptions,
): AsyncGenerator<DatasetRow> {
  const invalid = options.onInvalid ?? (() => undefined);
  let unit: number | undefined;
  let engineIndex = -1;
  let rows: EngineRow[] = [];
  const machineType = CMAPSS_TURBOFAN_MACHINE_TYPE.name;

  function* flush(): Generator<DatasetRow> {
    if (unit === undefined || rows.length === 0) return;
    const machineId = `cmapss-${options.fileId}-${String(unit).padStart(3, '0')}`;
    const lastCycle = rows[rows.length - 1]!.cycle;
    const rulAtEnd =
      options.rul === 'run-to-failure' ? 0 : options.rul === 'unknown' ? undefined : options.rul[engineIndex];
    for (const row of rows) {
      const readings: Record<string, number> = {};
      row.values.forEach((value, i) => (readings[CHANNELS[i]!] = value));
      const out: DatasetRow = {
        source: 'cmapss',
        machineId,
        machineType,
        line: row.line,
        timestampMs: options.startMs + (row.cycle - 1) * options.cycleMs,
        readings,
        cycle: row.cycle,
      };
      if (rulAtEnd !== undefined) out.rulCycles = rulAtEnd + lastCycle - row.cycle;
      yield out;
    }
    rows = [];
  }

  for await (const { number, text } of readLines(chunks)) {
    const trimmed = text.trim();
    if (trimmed === '') continue;
    const fields = trimmed.split(/\s+/);
    if (fields.length !== COLUMNS) {
      invalid({ line: number, reason: `has ${fields.length} columns, C-MAPSS has ${COLUMNS}` });
      continue;
    }
    const numbers = fields.map(Number);
    const bad = numbers.findIndex((n) => !Number.isFinite(n));
    if (bad >= 0) {
      invalid({ line: number, reason: `column ${bad + 1} ("${fields[bad]}") is not a number` });
      continue;
    }
    const [rowUnit, cycle] = numbers as [number, number];
    if (!Number.isInteger(rowUnit) || !Number.isInteger(cycle) || rowUnit < 1 || cycle < 1) {
      invalid({ line: number, reason: 'unit and cycle must be positive integers' });
      continue;
    }
    if (rowUnit !== unit) {
      yield* flush();
      unit = rowUnit;
      engineIndex += 1;
    } else if (cycle <= rows[rows.length - 1]!.cycle) {
      invalid({
        line: number,
        reason: `cycle ${cycle} of unit ${rowUnit} does not follow the previous cycle`,
      });
      continue;
    }
    rows.push({ line: number, cycle, values: numbers.slice(2) });
  }
  yield* flush();
}
