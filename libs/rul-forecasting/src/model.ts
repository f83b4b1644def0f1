import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, ErrorCode } from '@industrialmind/errors';
import * as ort from 'onnxruntime-node';
import { RulModelMetadataSchema, type RulModelMetadata } from './metadata';

/** One forecast as the network returns it: point and calibrated interval, in the model's `rul_unit`. */
export interface RulEstimate {
  predicted: number;
  lower: number;
  upper: number;
}

/**
 * What a model with history inputs (`metadata.history`) needs besides the windows, for the same `count` machines:
 * each machine's first `start_readings` readings (`start_readings x channels` values each, padded like a window)
 * and its age (readings seen since its first one).
 */
export interface HistoryInputs {
  start: Float32Array;
  age: Float32Array;
}

/** A loaded RUL model: its metadata and batched inference on raw windows. */
export interface RulModel {
  readonly metadata: RulModelMetadata;
  /**
   * `windows` holds `count` windows of `window x channels` float32 values, row-major, channels in metadata order.
   * `history` is required when the model has history inputs and ignored otherwise.
   */
  predict(windows: Float32Array, count: number, history?: HistoryInputs): Promise<RulEstimate[]>;
  close(): Promise<void>;
}

/** Reads and checks a metadata JSON; a bad file is a VALIDATION_FAILED naming the file and the fields. */
export async function readRulMetadata(path: string): Promise<RulModelMetadata> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, `model metadata ${path} is not readable JSON`, { cause });
  }
  const parsed = RulModelMetadataSchema.safeParse(json);
  if (!parsed.success) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, `model metadata ${path} is invalid`, {
      details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return parsed.data;
}

/** Loads `<dir>/<metadata.onnx_file>` with onnxruntime-node (CPU, one thread: the service scales by processes). */
export async function loadOnnxRulModel(dir: string, metadataFile: string): Promise<RulModel> {
  const metadata = await readRulMetadata(join(dir, metadataFile));
  const session = await ort.InferenceSession.create(join(dir, metadata.onnx_file), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionProviders: ['cpu'],
  });
  // The metadata must name exactly the graph's inputs: a model with history inputs described without them (or
  // the reverse) would otherwise load and then fail on every forecast.
  const expected = [metadata.input.name];
  if (metadata.history) expected.push(metadata.history.start_input, metadata.history.age_input);
  const actual = [...session.inputNames];
  if (actual.length !== expected.length || expected.some((name) => !actual.includes(name))) {
    await session.release();
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      `model ${metadata.name}: ${metadata.onnx_file} takes inputs ${actual.join(', ')}, metadata names ${expected.join(', ')}`,
    );
  }
  const channels = metadata.channels.length;
  const width = metadata.window * channels;
  const spec = metadata.history;
  return {
    metadata,
    async predict(windows, count, history) {
      if (windows.length !== count * width)
        throw new RangeError(`expected ${count * width} values for ${count} windows, got ${windows.length}`);
      if (count === 0) return [];
      const feeds: Record<string, ort.Tensor> = {
        [metadata.input.name]: new ort.Tensor('float32', windows, [count, metadata.window, channels]),
      };
      if (spec !== undefined) {
        const startWidth = spec.start_readings * channels;
        if (history === undefined)
          throw new RangeError(`model ${metadata.name} needs history inputs (start, age)`);
        if (history.start.length !== count * startWidth || history.age.length !== count)
          throw new RangeError(
            `expected ${count * startWidth} start values and ${count} ages for ${count} machines, got ` +
              `${history.start.length} and ${history.age.length}`,
          );
        feeds[spec.start_input] = new ort.Tensor('float32', history.start, [
          count,
          spec.start_readings,
          channels,
        ]);
        feeds[spec.age_input] = new ort.Tensor('float32', history.age, [count, 1]);
      }
      const result = await session.run(feeds);
      const data = result[metadata.output.name]!.data as Float32Array;
      const out: RulEstimate[] = [];
      for (let i = 0; i < count; i++) {
        const predicted = Math.max(0, data[i * 3]!);
        // The network orders them already; guard against float rounding so the contract's check always holds.
        const lower = Math.max(0, Math.min(data[i * 3 + 1]!, predicted));
        const upper = Math.max(data[i * 3 + 2]!, predicted);
        out.push({ predicted, lower, upper });
      }
      return out;
    },
    close: () => session.release(),
  };
}
