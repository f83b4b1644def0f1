import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@industrialmind/logger';
import { loadOnnxRulModel, type RulModel } from './model';

export interface RulModelFolderOptions {
  dir: string;
  logger: Logger;
  /** How often the folder is scanned for new, changed or removed models (0: never, only `refresh()`). */
  pollMs: number;
  /** How a model is loaded (tests pass a fake). */
  load?: (dir: string, metadataFile: string) => Promise<RulModel>;
  /** Old sessions are released this long after being replaced, so in-flight inferences finish. */
  releaseDelayMs?: number;
}

export type ModelChange =
  | { type: 'loaded'; name: string; model_version: string; file: string }
  | { type: 'removed'; name: string; file: string }
  | { type: 'failed'; file: string; error: unknown };

interface Entry {
  signature: string;
  model: RulModel;
}

/**
 * The models of a folder (`*.json` metadata beside `*.onnx`), reloaded without a restart: a scan compares size and
 * mtime of both files and swaps in a model only once it loaded; a model that fails to load leaves the previous
 * one serving. (A model registry port for MLflow comes with the trainer-orchestrator; this is the lite registry.)
 */
export class RulModelFolder {
  private entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<ModelChange[]> | undefined;
  private readonly load: (dir: string, metadataFile: string) => Promise<RulModel>;
  private readonly listeners: Array<(change: ModelChange) => void> = [];

  constructor(private readonly options: RulModelFolderOptions) {
    this.load = options.load ?? loadOnnxRulModel;
  }

  /** Called for every model loaded, removed or failed (for logs and metrics). */
  onChange(listener: (change: ModelChange) => void): void {
    this.listeners.push(listener);
  }

  /** Scans once now; resolves with what changed. Concurrent calls share one scan. */
  refresh(): Promise<ModelChange[]> {
    this.scanning ??= this.scan().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  start(): void {
    if (this.options.pollMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      this.refresh().catch((err: unknown) =>
        this.options.logger.warn({ err, event: 'rul.models.scan_failed' }, 'model folder scan failed'),
      );
    }, this.options.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.scanning?.catch(() => undefined);
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map((e) => e.model.close().catch(() => undefined)));
  }

  /** Every loaded model, ordered by name. */
  list(): RulModel[] {
    return [...this.entries.values()]
      .map((e) => e.model)
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  }

  /** The model serving a machine: same machine type, and `machine_id_pattern` matching the id when one is given. */
  select(machineType: string, machineId?: string): RulModel | undefined {
    return this.list().find(
      (m) =>
        m.metadata.machine_type === machineType &&
        (machineId === undefined || safeRegExp(m.metadata.machine_id_pattern).test(machineId)),
    );
  }

  byName(name: string): RulModel | undefined {
    return this.list().find((m) => m.metadata.name === name);
  }

  private async scan(): Promise<ModelChange[]> {
    const { dir, logger } = this.options;
    const changes: ModelChange[] = [];
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
    const seen = new Set<string>();
    for (const file of files) {
      seen.add(file);
      let signature: string;
      try {
        signature = await this.signature(file);
      } catch (error) {
        changes.push({ type: 'failed', file, error });
        continue;
      }
      if (this.entries.get(file)?.signature === signature) continue;
      try {
        const model = await this.load(dir, file);
        const previous = this.entries.get(file);
        this.entries.set(file, { signature, model });
        if (previous) this.retire(previous.model);
        changes.push({
          type: 'loaded',
          name: model.metadata.name,
          model_version: model.metadata.model_version,
          file,
        });
      } catch (error) {
        changes.push({ type: 'failed', file, error });
        // Remember the signature only for loaded models: a half-copied file is retried on the next scan.
      }
    }
    for (const [file, entry] of this.entries) {
      if (seen.has(file)) continue;
      this.entries.delete(file);
      this.retire(entry.model);
      changes.push({ type: 'removed', name: entry.model.metadata.name, file });
    }
    for (const change of changes) {
      if (change.type === 'failed')
        logger.warn(
          { event: 'rul.model.load_failed', file: change.file, err: change.error },
          'model not loaded',
        );
      else logger.info({ event: `rul.model.${change.type}`, ...change }, `model ${change.type}`);
      for (const listener of this.listeners) listener(change);
    }
    return changes;
  }

  private async signature(file: string): Promise<string> {
    const meta = await stat(join(this.options.dir, file));
    const onnx = await stat(join(this.options.dir, file.replace(/\.json$/, '.onnx'))).catch(() => undefined);
    return `${meta.size}:${meta.mtimeMs}:${onnx?.size ?? '-'}:${onnx?.mtimeMs ?? '-'}`;
  }

  private retire(model: RulModel): void {
    const t = setTimeout(
      () => void model.close().catch(() => undefined),
      this.options.releaseDelayMs ?? 5_000,
    );
    t.unref();
  }
}

const patterns = new Map<string, RegExp>();
function safeRegExp(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (!re) {
    try {
      re = new RegExp(pattern);
    } catch {
      re = /$^/; // An invalid pattern matches nothing rather than everything.
    }
    patterns.set(pattern, re);
  }
  return re;
}
