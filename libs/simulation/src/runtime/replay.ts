import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import type { MachineTypeRegistry } from '@industrialmind/contracts';
import { AppError, ErrorCode } from '@industrialmind/errors';
import {
  cmapssFileId,
  isRunToFailureFile,
  parseCmapss,
  parseCmapssRul,
  type CmapssRul,
} from '../replay/cmapss';
import {
  machineIdFromPath,
  toReplayRecord,
  type DatasetRow,
  type InvalidLine,
  type ReplayRecord,
} from '../replay/record';
import { parseSkabCsv } from '../replay/skab';
import { createBusSink, type BusSinkOptions, type Publisher, type SampleSink } from './sinks';
import { abortableSleep } from './sleep';

export type ReplayDataset = 'skab' | 'cmapss';

/** C-MAPSS has no clock time: with `timestamps: 'keep'` cycle 1 of every engine is placed here by default. */
export const CMAPSS_DEFAULT_START_MS = Date.UTC(2000, 0, 1);

export interface ReplayOptions {
  dataset: ReplayDataset;
  /** A file, or a folder searched recursively (SKAB: `*.csv`; C-MAPSS: `train_FD00x.txt`, `test_FD00x.txt`). */
  path: string;
  /** 1 = as recorded, 10 = ten times faster; 0 or `max` = as fast as the bus takes it. */
  speed: number | 'max';
  /**
   * `keep`: SKAB's own times (C-MAPSS: cycles placed from `startMs`). `now`: each machine's data is moved so its
   * first reading is at the moment its replay begins, spacing kept (at speed > 1 the timestamps run ahead of the
   * clock).
   */
  timestamps: 'keep' | 'now';
  /** C-MAPSS: seconds per cycle; default 1. */
  cycleSec?: number;
  /** C-MAPSS with `keep`: time of cycle 1; default 2000-01-01T00:00:00Z. */
  startMs?: number;
  /** SKAB: UTC offset of the file times; default `Z`. */
  utcOffset?: string;
  /** C-MAPSS test files: their `RUL_FD00x.txt`, to label the ground truth. */
  rulPath?: string;
  /** Publish ground truth (SKAB labels, C-MAPSS RUL) too; default true. */
  groundTruth?: boolean;
  readingsTopic?: string;
  groundTruthTopic?: string;
  machineTypes?: MachineTypeRegistry;
  /** Readings per publish; default 500. */
  batchSize?: number;
  /** Readings per sensor-readings message (the contract's batch form); default 100, 1 for 1.0 readers. */
  maxReadingsPerMessage?: number;
  /** How batches are written, as {@link BusSinkOptions.batchForm}; default `rows`. */
  batchForm?: BusSinkOptions['batchForm'];
  /** Called after each acknowledged publish, as {@link BusSinkOptions.onPublished}. */
  onPublished?: BusSinkOptions['onPublished'];
  signal?: AbortSignal;
  onProgress?: (progress: ReplayProgress) => void;
  /** Least time between two progress reports; default 1000 ms (a final one always comes). */
  progressEveryMs?: number;
  clock?: () => number;
}

export interface ReplayProgress {
  dataset: ReplayDataset;
  filesTotal: number;
  filesDone: number;
  currentFile: string | undefined;
  /** Machines (SKAB files, C-MAPSS engines) started so far. */
  machines: number;
  readingsPublished: number;
  linesSkipped: number;
  bytesRead: number;
  bytesTotal: number;
  /** bytesRead / bytesTotal. */
  fraction: number;
  elapsedMs: number;
  isDone: boolean;
}

export interface ReplaySummary extends ReplayProgress {
  isAborted: boolean;
  /** The first skipped lines and why (at most 20). */
  problems: Array<InvalidLine & { file: string }>;
}

const DATASET_FILES: Record<ReplayDataset, RegExp> = {
  skab: /\.csv$/i,
  cmapss: /^(train|test)_FD\d{3}\.txt$/i,
};

async function listFiles(root: string, dataset: ReplayDataset): Promise<string[]> {
  let info;
  try {
    info = await stat(root);
  } catch (err) {
    throw new AppError(ErrorCode.NOT_FOUND, `no such file or folder: ${root}`, { cause: err });
  }
  if (info.isFile()) return [root];
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && DATASET_FILES[dataset].test(e.name))
    .map((e) => join(e.parentPath, e.name));
  if (files.length === 0) {
    throw new AppError(ErrorCode.NOT_FOUND, `no ${dataset} files under ${root}`);
  }
  // Natural order, so valve1/2.csv comes before valve1/10.csv.
  return files.sort((a, b) => relative(root, a).localeCompare(relative(root, b), 'en', { numeric: true }));
}

function checkOptions(options: ReplayOptions): number {
  const problems: Array<{ path: string; message: string }> = [];
  const speed = options.speed === 'max' ? 0 : options.speed;
  if (!(Number.isFinite(speed) && speed >= 0))
    problems.push({ path: 'speed', message: 'must be >= 0 or "max"' });
  if (options.cycleSec !== undefined && !(options.cycleSec > 0)) {
    problems.push({ path: 'cycle_sec', message: 'must be > 0' });
  }
  if (options.batchSize !== undefined && !(Number.isInteger(options.batchSize) && options.batchSize >= 1)) {
    problems.push({ path: 'batch_size', message: 'must be an integer >= 1' });
  }
  if (problems.length > 0) {
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      `invalid replay options: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
      {
        details: problems,
      },
    );
  }
  return speed;
}

/**
 * Sends a reference data set through the production path: each row becomes a `sensor-readings` message (keyed by
 * `machine_id`, validated by the contract) and, unless turned off, a `simulator-ground-truth` record with its
 * labels. Files are streamed, one after another in natural order; within a machine the wall-clock pacing follows
 * the data's own spacing divided by `speed`. Resolves with the summary when done or aborted (`signal`); rejects
 * with AppError NOT_FOUND when `path` holds no files of the data set, or VALIDATION_FAILED for bad options.
 */
export async function replay(options: ReplayOptions, bus: Publisher): Promise<ReplaySummary> {
  const speed = checkOptions(options);
  const clock = options.clock ?? Date.now;
  const startedAt = clock();
  const batchSize = options.batchSize ?? 500;
  const files = await listFiles(options.path, options.dataset);
  const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size));
  const problems: ReplaySummary['problems'] = [];
  let linesSkipped = 0;
  const sink: SampleSink = createBusSink({
    publisher: bus,
    ...(options.machineTypes === undefined ? {} : { machineTypes: options.machineTypes }),
    ...(options.readingsTopic === undefined ? {} : { readingsTopic: options.readingsTopic }),
    groundTruthTopic: options.groundTruth === false ? null : (options.groundTruthTopic ?? undefined),
    ...(options.maxReadingsPerMessage === undefined
      ? {}
      : { maxReadingsPerMessage: options.maxReadingsPerMessage }),
    ...(options.batchForm === undefined ? {} : { batchForm: options.batchForm }),
    ...(options.onPublished === undefined ? {} : { onPublished: options.onPublished }),
    onInvalid: (reading, err) => {
      linesSkipped += 1;
      if (problems.length < 20) {
        const reason = err instanceof Error ? err.message : String(err);
        problems.push({
          file: progress.currentFile ?? reading.machine_id,
          line: Number(reading.metadata?.source_line ?? 0),
          reason,
        });
      }
    },
  });
  const rul: CmapssRul | undefined =
    options.rulPath === undefined ? undefined : await parseCmapssRul(createReadStream(options.rulPath));
  const progress: ReplayProgress = {
    dataset: options.dataset,
    filesTotal: files.length,
    filesDone: 0,
    currentFile: undefined,
    machines: 0,
    readingsPublished: 0,
    linesSkipped: 0,
    bytesRead: 0,
    bytesTotal: sizes.reduce((a, b) => a + b, 0),
    fraction: 0,
    elapsedMs: 0,
    isDone: false,
  };
  let lastReportAt = -Infinity;
  const report = (force = false): void => {
    const now = clock();
    progress.linesSkipped = linesSkipped;
    progress.elapsedMs = now - startedAt;
    progress.fraction = progress.bytesTotal === 0 ? 1 : Math.min(1, progress.bytesRead / progress.bytesTotal);
    if (options.onProgress && (force || now - lastReportAt >= (options.progressEveryMs ?? 1000))) {
      lastReportAt = now;
      options.onProgress({ ...progress });
    }
  };

  let batch: ReplayRecord[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const records = batch;
    batch = [];
    const result = await sink.write(records);
    progress.readingsPublished += result.readings;
    report();
  };

  const signal = options.signal;
  for (const file of files) {
    if (signal?.aborted) break;
    progress.currentFile = file;
    const onInvalid = (problem: InvalidLine): void => {
      linesSkipped += 1;
      if (problems.length < 20) problems.push({ file, ...problem });
    };
    const chunks = countBytes(createReadStream(file), (n) => (progress.bytesRead += n));
    const rows: AsyncIterable<DatasetRow> =
      options.dataset === 'skab'
        ? parseSkabCsv(chunks, {
            machineId: machineIdFromPath('skab', `${basename(dirname(file))}/${basename(file)}`),
            ...(options.utcOffset === undefined ? {} : { utcOffset: options.utcOffset }),
            onInvalid,
          })
        : parseCmapss(chunks, {
            fileId: cmapssFileId(file),
            startMs: options.timestamps === 'keep' ? (options.startMs ?? CMAPSS_DEFAULT_START_MS) : 0,
            cycleMs: (options.cycleSec ?? 1) * 1000,
            rul: rul ?? (isRunToFailureFile(file) ? 'run-to-failure' : 'unknown'),
            onInvalid,
          });
    let machineId: string | undefined;
    let machineStartWall = 0;
    let firstRowMs = 0;
    let shiftMs = 0;
    let idTag: string | undefined;
    for await (const row of rows) {
      if (signal?.aborted) break;
      if (row.machineId !== machineId) {
        machineId = row.machineId;
        progress.machines += 1;
        machineStartWall = clock();
        firstRowMs = row.timestampMs;
        shiftMs = options.timestamps === 'now' ? machineStartWall - firstRowMs : 0;
        idTag = options.timestamps === 'now' ? machineStartWall.toString(36) : undefined;
      }
      if (speed > 0) {
        const dueAt = machineStartWall + (row.timestampMs - firstRowMs) / speed;
        const waitMs = dueAt - clock();
        if (waitMs > 0) {
          await flush();
          await abortableSleep(dueAt - clock(), signal);
          if (signal?.aborted) break;
        }
      }
      batch.push(toReplayRecord(row, idTag === undefined ? { shiftMs } : { shiftMs, idTag }));
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    if (!signal?.aborted) progress.filesDone += 1;
  }
  await flush();
  progress.isDone = true;
  progress.currentFile = undefined;
  report(true);
  return { ...progress, isAborted: signal?.aborted === true, problems };
}

async function* countBytes(stream: AsyncIterable<Buffer>, add: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of stream) {
    add(chunk.length);
    yield chunk;
  }
}
