import { ModelMetadataBaseSchema } from '@industrialmind/model-runtime';
import { z } from 'zod';

/**
 * Metadata of an anomaly model (trainer: industrialmind_trainer/anomaly/train.py). The ONNX model takes
 * `input.name` float32 [batch, window, channels] of robust-normalised readings and returns per-channel
 * contributions [batch, channels] and their sum, the score [batch].
 */
export const AnomalyModelMetadataSchema = ModelMetadataBaseSchema.extend({
  task: z.literal('anomaly'),
  machine_type: z.string().regex(/^(?=.{1,64}$)[a-z0-9]+(?:-[a-z0-9]+)*$/),
  architecture: z.string().min(1),
  source_columns: z.array(z.string().min(1)).optional(),
  outputs: z.object({ contributions: z.string().min(1), score: z.string().min(1) }),
  horizon: z.number().int().min(1),
  /**
   * Readings the model was trained on were this far apart; faster streams are averaged per period before
   * windowing (readings need timestamps). Absent: every reading is a row (SKAB, whose files are ~1 Hz).
   */
  sample_period_ms: z.number().positive().optional(),
  normalisation: z.looseObject({ clip: z.number().positive() }),
  cold_start: z.object({ readings: z.number().int().min(2).max(1_000_000) }),
  threshold: z.looseObject({
    quantile: z.number().min(0).max(1),
    factor: z.number().positive(),
  }),
  policy: z.object({
    ema_alpha: z.number().gt(0).max(1),
    on_count: z.number().int().min(1).max(100_000),
    off_count: z.number().int().min(1).max(100_000),
    /**
     * Peak-relative release (absent or 0: off). While an event lasts the level is max(threshold, release ×
     * peak), peak being the event's highest smoothed score; after it ends the peak is multiplied by
     * `release_decay` per reading (0.5^(1/release_half_life)) and a new event needs the score above release ×
     * that decayed peak too.
     */
    release: z.number().min(0).max(1).optional(),
    release_half_life: z.number().min(0).optional(),
    release_decay: z.number().min(0).max(1).optional(),
  }),
})
  .refine((m) => m.cold_start.readings >= m.input.window, {
    error: 'cold_start.readings must be at least input.window',
    path: ['cold_start', 'readings'],
  })
  .refine((m) => !m.source_columns || m.source_columns.length === m.channels.length, {
    error: 'source_columns must have one entry per channel',
    path: ['source_columns'],
  });

export type AnomalyModelMetadata = z.infer<typeof AnomalyModelMetadataSchema>;
