import { IdentifierSchema, MachineTypeNameSchema } from '@industrialmind/contracts';
import { z } from 'zod';

/** Most readings one request may carry (a model uses its last `window` of them). */
export const MAX_FORECAST_READINGS = 10_000;

// z.number() rejects NaN and ±Infinity (zod 4), and JSON cannot carry them anyway.
const Readings = z.record(z.string().min(1).max(64), z.number());

/** The common case checked without zod's per-entry overhead (a 50 x 24 window is 1,200 entries). */
function isReadings(value: unknown): value is Record<string, number> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const key in value) {
    if (!Object.hasOwn(value, key) || key.length === 0 || key.length > 64) return false;
    const v = (value as Record<string, unknown>)[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  }
  return true;
}

/** Readings, oldest first: fast path for valid input; zod's detailed issues (with their paths) otherwise. */
const ReadingsList = z
  .array(z.unknown())
  .min(1)
  .max(MAX_FORECAST_READINGS)
  .superRefine((rows, ctx) => {
    rows.forEach((row, i) => {
      if (isReadings(row)) return;
      for (const issue of Readings.safeParse(row).error?.issues ?? [])
        ctx.addIssue({ code: 'custom', message: issue.message, path: [i, ...issue.path] });
    });
  })
  .transform((rows) => rows as Array<Record<string, number>>);

/**
 * `POST /forecast`: either readings (oldest first, channel name → value; with `machine_type` or `model`), or only a
 * `machine_id`, to forecast from the readings the service has seen on `sensor-readings` for that machine.
 */
export const ForecastBody = z
  .object({
    machine_id: IdentifierSchema.optional(),
    machine_type: MachineTypeNameSchema.optional(),
    model: z.string().min(1).max(128).optional().describe('Name of the model to use (GET /model lists them)'),
    readings: ReadingsList.optional().describe(
      'Readings, oldest first. For a model with history inputs (GET /model shows `history`), from the ' +
        "machine's first reading: its first readings and their number (its age) are inputs too",
    ),
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
