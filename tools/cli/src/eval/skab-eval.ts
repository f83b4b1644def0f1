import { createWriteStream } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { AnomalyScorer, ScoringInput } from '@industrialmind/anomaly-scoring';

/** Point-wise confusion counts, summed over files as SKAB's leaderboard does. */
export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface FileResult extends Confusion {
  file: string;
  rows: number;
  scored: number;
}

export interface EvalSummary extends Confusion {
  files: FileResult[];
  skipped: { file: string; reason: string }[];
  f1: number;
  far: number;
  mar: number;
}

/** F1 = 2TP / (2TP + FP + FN); FAR = FP / (FP + TN); MAR = FN / (FN + TP). 0 when undefined. */
export function metrics(c: Confusion): { f1: number; far: number; mar: number } {
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  return {
    f1: ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn),
    far: ratio(c.fp, c.fp + c.tn),
    mar: ratio(c.fn, c.fn + c.tp),
  };
}

/** Every `*.csv` under dir, recursively, relative paths with `/`, numeric names in numeric order. */
export async function findCsvFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: string[] = [];
  for (const e of entries) {
    if (!e.name.toLowerCase().endsWith('.csv')) continue;
    const path = join(e.parentPath, e.name);
    // A symlinked file counts (an evaluation folder may link data sets in place rather than copy them).
    if (e.isFile() || (e.isSymbolicLink() && (await stat(path).catch(() => undefined))?.isFile()))
      files.push(relative(dir, path).split(sep).join('/'));
  }
  return files.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** One SKAB-format file: rows of channel values, their datetime text and, when present, the labels. */
export interface SkabTable {
  datetimes: string[];
  rows: Record<string, number>[];
  /** The `anomaly` column, or undefined when the file has none. */
  labels: Uint8Array | undefined;
}

/**
 * Parses a `;`-separated SKAB file (CRLF or LF). `columns` maps each CSV column to the model's channel name.
 * A missing column or a non-numeric value is an error naming the file, line and column.
 */
export function parseSkabCsv(
  text: string,
  columns: readonly { source: string; channel: string }[],
  file: string,
): SkabTable {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new Error(`${file}: empty file`);
  const header = lines[0]!.split(';').map((h) => h.trim());
  const index = columns.map(({ source }) => {
    const i = header.indexOf(source);
    if (i < 0) throw new Error(`${file}: no column "${source}"`);
    return i;
  });
  const dt = header.indexOf('datetime');
  const labelIndex = header.indexOf('anomaly');
  const datetimes: string[] = [];
  const rows: Record<string, number>[] = [];
  const labels = labelIndex >= 0 ? new Uint8Array(lines.length - 1) : undefined;
  for (let n = 1; n < lines.length; n++) {
    const fields = lines[n]!.split(';');
    const row: Record<string, number> = {};
    columns.forEach(({ channel, source }, k) => {
      const v = Number(fields[index[k]!]);
      if (!Number.isFinite(v)) throw new Error(`${file}: line ${n + 1}: "${source}" is not a number`);
      row[channel] = v;
    });
    rows.push(row);
    datetimes.push(dt >= 0 ? (fields[dt] ?? '').trim() : '');
    if (labels) labels[n - 1] = Number(fields[labelIndex]) >= 0.5 ? 1 : 0;
  }
  return { datetimes, rows, labels };
}

export interface EvaluateOptions {
  dir: string;
  outFile: string;
  /** Rows per file that are its normal training part; scoring starts after them (SKAB: 400). */
  trainRows: number;
  columns: readonly { source: string; channel: string }[];
  /** A fresh scorer per file: each file is a machine of its own, calibrated on its own first rows. */
  createScorer(): AnomalyScorer;
  onFile?(result: FileResult, done: number, total: number): void;
}

const CHUNK = 2048;

/**
 * SKAB's protocol over every labelled CSV under `dir`: the scorer sees each file's rows in order (its cold start
 * covers the first rows); rows from `trainRows` on are scored and written to `outFile` as
 * `file,row,datetime,score,anomaly`. Labels are read only to count TP/FP/FN/TN after scoring, never passed on.
 */
export async function evaluateSkab(options: EvaluateOptions): Promise<EvalSummary> {
  const files = await findCsvFiles(options.dir);
  const out = createWriteStream(options.outFile);
  const write = (text: string) =>
    new Promise<void>((resolve, reject) => out.write(text, (err) => (err ? reject(err) : resolve())));
  await write('file,row,datetime,score,anomaly\n');
  const results: FileResult[] = [];
  const skipped: { file: string; reason: string }[] = [];
  const labelled: { file: string; table: SkabTable }[] = [];
  for (const file of files) {
    const text = await readFile(join(options.dir, file), 'utf8');
    let table: SkabTable;
    try {
      table = parseSkabCsv(text, options.columns, file);
    } catch (err) {
      skipped.push({ file, reason: err instanceof Error ? err.message : String(err) });
      continue;
    }
    if (!table.labels) skipped.push({ file, reason: 'no label column' });
    else if (table.rows.length <= options.trainRows)
      skipped.push({ file, reason: 'no rows after the training part' });
    else labelled.push({ file, table });
  }
  for (const [k, { file, table }] of labelled.entries()) {
    const scorer = options.createScorer();
    const result: FileResult = { file, rows: table.rows.length, scored: 0, tp: 0, fp: 0, fn: 0, tn: 0 };
    const csvFile = /[",\n]/.test(file) ? `"${file.replace(/"/g, '""')}"` : file;
    for (let start = 0; start < table.rows.length; start += CHUNK) {
      const inputs: ScoringInput[] = [];
      for (let i = start; i < Math.min(start + CHUNK, table.rows.length); i++)
        inputs.push({ machineId: 'eval', values: table.rows[i]! });
      const scored = await scorer.score(inputs);
      const lines: string[] = [];
      scored.forEach((r, j) => {
        const row = start + j;
        if (row < options.trainRows) return;
        const predicted = r.isAnomaly ? 1 : 0;
        const truth = table.labels![row]!;
        result.scored++;
        if (predicted && truth) result.tp++;
        else if (predicted) result.fp++;
        else if (truth) result.fn++;
        else result.tn++;
        lines.push(`${csvFile},${row},${table.datetimes[row]},${r.smoothedScore ?? ''},${predicted}\n`);
      });
      await write(lines.join(''));
    }
    results.push(result);
    options.onFile?.(result, k + 1, labelled.length);
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  const total = results.reduce(
    (acc, r) => ({ tp: acc.tp + r.tp, fp: acc.fp + r.fp, fn: acc.fn + r.fn, tn: acc.tn + r.tn }),
    { tp: 0, fp: 0, fn: 0, tn: 0 },
  );
  return { ...total, ...metrics(total), files: results, skipped };
}
