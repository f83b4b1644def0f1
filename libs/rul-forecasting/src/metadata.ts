import { MachineTypeNameSchema, ModelVersionSchema, RulUnitSchema } from '@industrialmind/contracts';
import { z } from 'zod';

/**
 * The metadata JSON the trainer writes beside each ONNX file (services/trainer-orchestrator/trainer/
 * industrialmind_trainer/rul/export.py). Only the fields serving needs are checked; the rest (training split,
 * metrics, normalisation) pass through to `GET /model`.
 */
export const RulModelMetadataSchema = z
  .object({
    schema_version: z.string().regex(/^1\.\d+$/, 'must be a 1.x metadata version'),
    name: z.string().min(1).max(128),
    task: z.literal('rul'),
    model_version: ModelVersionSchema,
    machine_type: MachineTypeNameSchema,
    /** Regular expression a machine id must match for this model to serve it (several C-MAPSS subsets share a type). */
    machine_id_pattern: z.string().default('.*'),
    rul_unit: RulUnitSchema,
    channels: z.array(z.string().min(1)).min(1),
    window: z.number().int().min(1).max(10_000),
    padding: z.literal('repeat-first-reading'),
    /** Time step the model was trained on; a stream faster than this is thinned to it (absent: every reading). */
    sample_interval_ms: z.number().int().positive().optional(),
    interval_level: z.number().gt(0).lt(1),
    onnx_file: z.string().min(1),
    onnx_sha256: z.string().optional(),
    input: z.object({ name: z.string().min(1) }),
    /**
     * History inputs: besides the window, the machine's first `start_readings` readings (padded like the window
     * when fewer were seen) and its age, the number of readings seen since its first one. Absent: window only.
     */
    history: z
      .object({
        start_readings: z.number().int().min(1).max(10_000),
        start_input: z.string().min(1),
        age_input: z.string().min(1),
      })
      .loose()
      .optional(),
    output: z.object({ name: z.string().min(1) }),
  })
  .loose();

export type RulModelMetadata = z.infer<typeof RulModelMetadataSchema>;
