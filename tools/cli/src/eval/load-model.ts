import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AnomalyModelMetadataSchema, type AnomalyModelMetadata } from '@industrialmind/anomaly-scoring';
import { loadOnnxModel, readModelMetadata, type OnnxModel } from '@industrialmind/model-runtime';
import { createModelDirectory } from '@industrialmind/model-runtime';

export interface LoadedAnomalyModel {
  metadata: AnomalyModelMetadata;
  onnx: OnnxModel;
}

/**
 * `path` is a model's metadata JSON, or a folder of models (the newest for `machineType` is taken). Throws an
 * Error whose message says what is wrong.
 */
export async function loadAnomalyModel(path: string, machineType: string): Promise<LoadedAnomalyModel> {
  if (statSync(path).isFile()) {
    const metadata = await readModelMetadata(path, AnomalyModelMetadataSchema);
    return { metadata, onnx: await loadOnnxModel(join(dirname(path), metadata.onnx_file)) };
  }
  const directory = createModelDirectory({
    dir: path,
    task: 'anomaly',
    schema: AnomalyModelMetadataSchema,
    pollMs: 0,
    keyOf: (m) => m.machine_type,
  });
  await directory.refresh();
  const model = directory.get(machineType);
  if (!model) {
    await directory.close();
    const found = [...directory.all().keys()];
    throw new Error(
      `no anomaly model for machine type "${machineType}" in ${path}${found.length ? ` (found: ${found.join(', ')})` : ''}`,
    );
  }
  // Close the sessions of the other machine types; keep this one.
  for (const [key, other] of directory.all()) if (key !== machineType) await other.onnx.close();
  return { metadata: model.metadata, onnx: model.onnx };
}
