import { readFile } from 'node:fs/promises';
import { AppError, ErrorCode } from '@industrialmind/errors';
import { z } from 'zod';

/**
 * The fields every model's metadata JSON carries (written by the trainer's `common/onnx_export.py`
 * `write_metadata`). Task-specific blocks (threshold, policy, ...) are validated by the task's own lib, which
 * extends this schema; unknown keys pass through so older servers can read newer metadata.
 */
export const ModelMetadataBaseSchema = z.looseObject({
  schema_version: z.string().regex(/^1\.\d+$/, { error: 'must be "1.x"' }),
  task: z.string().min(1),
  model_version: z.string().regex(/^\S{1,128}$/, { error: 'must be 1-128 characters without whitespace' }),
  onnx_file: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\.onnx$/, { error: 'must be a file name ending in .onnx, no path' }),
  channels: z.array(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/)).min(1),
  input: z.looseObject({
    name: z.string().min(1),
    window: z.number().int().min(1).max(100_000),
  }),
  outputs: z.record(z.string(), z.string().min(1)),
});
export type ModelMetadataBase = z.infer<typeof ModelMetadataBaseSchema>;

/** Reads and validates a metadata JSON; a bad file is a VALIDATION_FAILED AppError naming every bad field. */
export async function readModelMetadata<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, `model metadata ${path} is not readable JSON`, { cause });
  }
  return parseModelMetadata(raw, schema, path);
}

export function parseModelMetadata<S extends z.ZodType>(
  raw: unknown,
  schema: S,
  source = 'metadata',
): z.output<S> {
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, `model metadata ${source} is invalid`, {
      details: result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    });
  }
  return result.data;
}
