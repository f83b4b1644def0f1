import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, ErrorCode } from '@industrialmind/errors';
import type { z } from 'zod';
import { readModelMetadata, type ModelMetadataBase } from './metadata';
import { loadOnnxModel, type OnnxModel } from './session';

/** A model ready to serve: its validated metadata and its ONNX session. */
export interface LoadedModel<M extends ModelMetadataBase> {
  metadata: M;
  onnx: OnnxModel;
  metadataPath: string;
}

/** The minimal logger the directory reports to (pino's shape). */
export interface ModelDirectoryLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ModelDirectoryOptions<S extends z.ZodType<ModelMetadataBase>> {
  /** Folder holding `<name>.json` + `<name>.onnx` pairs (the lite registry; the trainer writes there). */
  dir: string;
  /** Only metadata with this `task` is considered (`anomaly`, `rul`). */
  task: string;
  schema: S;
  /** How often the folder is re-scanned for a newer model; 0 disables polling (call `refresh()`). */
  pollMs: number;
  /** Which models compete: the newest per key is served (default: one model for the whole task). */
  keyOf?: (metadata: z.output<S>) => string;
  threads?: number;
  logger?: ModelDirectoryLogger;
}

/**
 * Serves the newest valid model per key (e.g. per machine type) from a folder and swaps in a newer one
 * without a restart: every `pollMs` it re-reads the metadata JSONs and, per key, picks the one with the latest
 * modification time. A new pair is loaded and validated before it replaces the old one, so a half-written or
 * broken model never replaces a good one. Listeners hear about each swap; the previous session is closed once
 * its in-flight runs finish.
 */
export interface ModelDirectory<M extends ModelMetadataBase> {
  /** Loads the newest valid model of every key; NOT_FOUND when the folder holds none. Starts polling. */
  start(): Promise<void>;
  /** The model serving `key`, if any. */
  get(key: string): LoadedModel<M> | undefined;
  /** Every model being served, by key. */
  all(): ReadonlyMap<string, LoadedModel<M>>;
  /** One scan now; resolves the number of models loaded or swapped. */
  refresh(): Promise<number>;
  onChange(listener: (key: string, next: LoadedModel<M>, previous: LoadedModel<M> | undefined) => void): void;
  close(): Promise<void>;
}

export function createModelDirectory<S extends z.ZodType<ModelMetadataBase>>(
  options: ModelDirectoryOptions<S>,
): ModelDirectory<z.output<S>> {
  type M = z.output<S>;
  const keyOf = options.keyOf ?? (() => 'default');
  const served = new Map<string, LoadedModel<M> & { fingerprint: string }>();
  // Metadata already read, by fingerprint (path, mtime, size): unchanged files are not re-parsed every poll.
  const seen = new Map<string, { metadata: M; mtimeMs: number; path: string } | null>();
  const listeners: ((key: string, next: LoadedModel<M>, previous: LoadedModel<M> | undefined) => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  let scanning: Promise<number> | undefined;

  async function readCandidates() {
    const names = (await readdir(options.dir)).filter((n) => n.endsWith('.json'));
    const best = new Map<string, { metadata: M; mtimeMs: number; path: string; fingerprint: string }>();
    for (const name of names) {
      const path = join(options.dir, name);
      let fingerprint: string;
      let mtimeMs: number;
      try {
        const s = await stat(path);
        mtimeMs = s.mtimeMs;
        fingerprint = `${path}:${s.mtimeMs}:${s.size}`;
      } catch {
        continue; // deleted between readdir and stat
      }
      if (!seen.has(fingerprint)) {
        try {
          const metadata = await readModelMetadata(path, options.schema);
          seen.set(fingerprint, metadata.task === options.task ? { metadata, mtimeMs, path } : null);
        } catch (err) {
          options.logger?.warn({ err, path }, 'model metadata rejected');
          seen.set(fingerprint, null);
        }
      }
      const entry = seen.get(fingerprint);
      if (!entry) continue;
      const key = keyOf(entry.metadata);
      const current = best.get(key);
      if (!current || entry.mtimeMs > current.mtimeMs) best.set(key, { ...entry, fingerprint });
    }
    return best;
  }

  async function load(path: string, metadata: M): Promise<OnnxModel | undefined> {
    const onnx = await loadOnnxModel(join(options.dir, metadata.onnx_file), {
      threads: options.threads ?? 1,
    }).catch((err: unknown) => {
      options.logger?.warn({ err, path }, 'model file rejected');
      return undefined;
    });
    if (onnx && !onnx.inputNames.includes(metadata.input.name)) {
      options.logger?.warn({ path, input: metadata.input.name }, 'model input name mismatch');
      await onnx.close();
      return undefined;
    }
    return onnx;
  }

  async function scan(): Promise<number> {
    let changed = 0;
    for (const [key, candidate] of await readCandidates()) {
      const previous = served.get(key);
      if (previous?.fingerprint === candidate.fingerprint) continue;
      const onnx = await load(candidate.path, candidate.metadata);
      if (!onnx) {
        seen.set(candidate.fingerprint, null); // never retried until the file changes
        continue;
      }
      const next = {
        metadata: candidate.metadata,
        onnx,
        metadataPath: candidate.path,
        fingerprint: candidate.fingerprint,
      };
      served.set(key, next);
      changed++;
      options.logger?.info(
        { key, model_version: next.metadata.model_version, path: candidate.path },
        previous ? 'model swapped' : 'model loaded',
      );
      for (const listener of listeners) listener(key, next, previous);
      if (previous) void previous.onnx.close();
    }
    return changed;
  }

  function refresh(): Promise<number> {
    // One scan at a time: a slow load must not race a second one into a double swap.
    scanning ??= scan().finally(() => (scanning = undefined));
    return scanning;
  }

  return {
    async start() {
      await refresh();
      if (served.size === 0)
        throw new AppError(ErrorCode.NOT_FOUND, `no valid ${options.task} model in ${options.dir}`);
      if (options.pollMs > 0) {
        timer = setInterval(() => {
          refresh().catch((err: unknown) => options.logger?.warn({ err }, 'model directory scan failed'));
        }, options.pollMs);
        timer.unref();
      }
    },
    get: (key) => served.get(key),
    all: () => served,
    refresh,
    onChange(listener) {
      listeners.push(listener);
    },
    async close() {
      if (timer) clearInterval(timer);
      await scanning?.catch(() => undefined);
      await Promise.all([...served.values()].map((m) => m.onnx.close()));
      served.clear();
    },
  };
}
