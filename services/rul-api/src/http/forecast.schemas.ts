import { IdentifierSchema, MachineTypeNameSchema } from '@industrialmind/contracts';
import { z } from 'zod';

/** Most readings one request may carry (a model uses its last `window` of them). */
export const MAX_FORECAST_READINGS = 10_000;

const Readings = z.record(
  z.string().min(1).max(64),
  z.number().refine(Number.isFinite, 'must be a finite number'),
);

/**
 * `POST /forecast`: either readings (oldest first, channel name → value; with `machine_type` or `model`), or only a
 * `machine_id`, to forecast from the readings the service has seen on `sensor-readings` for that machine.
 */
export const ForecastBody = z
  .object({
    machine_id: IdentifierSchema.optional(),
    machine_type: MachineTypeNameSchema.optional(),
    model: z.string().min(1).max(128).optional().describe('Name of the model to use (GET /model lists them)'),
    readings: z.array(Readings).min(1).max(MAX_FORECAST_READINGS).optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.readings === undefined && body.machine_id === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['readings'],
        message: 'is required unless machine_id names a machine whose stream the service follows',
      });
    if (body.readings !== undefined && body.machine_type === undefined && body.model === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['machine_type'],
        message: 'is required with readings (or name a model)',
      });
  });

export type ForecastBody = z.infer<typeof ForecastBody>;

export const ModelQuery = z.object({ name: z.string().min(1).max(128).optional() }).strict();
