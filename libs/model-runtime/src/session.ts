import { AppError, ErrorCode } from '@industrialmind/errors';
import * as ort from 'onnxruntime-node';

/** One named float32 output of a run: flat data in row-major order and its dims. */
export interface FloatOutput {
  data: Float32Array;
  dims: readonly number[];
}

/**
 * An ONNX model loaded into one onnxruntime-node session. Our words for what serving needs: run a float32
 * batch, get float32 outputs by name. Sessions are not re-entrant-safe to close while running: `close()` waits
 * for in-flight runs.
 */
export interface OnnxModel {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(inputName: string, data: Float32Array, dims: readonly number[]): Promise<Record<string, FloatOutput>>;
  close(): Promise<void>;
}

export interface LoadOnnxOptions {
  /** Threads for one run (intra-op). Default 1: the services score many small batches concurrently. */
  threads?: number;
}

/** Loads `path` with the CPU execution provider; a missing or corrupt file is a VALIDATION_FAILED AppError. */
export async function loadOnnxModel(path: string, options: LoadOnnxOptions = {}): Promise<OnnxModel> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(path, {
      executionProviders: ['cpu'],
      intraOpNumThreads: options.threads ?? 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
  } catch (cause) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, `ONNX model ${path} could not be loaded`, { cause });
  }
  let inFlight = 0;
  let closed = false;
  let drained: (() => void) | undefined;
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(inputName, data, dims) {
      if (closed) throw new AppError(ErrorCode.INTERNAL, 'ONNX model is closed');
      inFlight++;
      try {
        const results = await session.run({ [inputName]: new ort.Tensor('float32', data, dims) });
        const out: Record<string, FloatOutput> = {};
        for (const [name, tensor] of Object.entries(results)) {
          if (tensor.type !== 'float32')
            throw new AppError(ErrorCode.INTERNAL, `ONNX output ${name} is ${tensor.type}, expected float32`);
          out[name] = { data: tensor.data as Float32Array, dims: tensor.dims };
        }
        return out;
      } finally {
        inFlight--;
        if (inFlight === 0 && drained) drained();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      await session.release();
    },
  };
}
