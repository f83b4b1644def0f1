import {
  ChannelNameSchema,
  IdentifierSchema,
  MachineTypeNameSchema,
  TimestampSchema,
} from '@industrialmind/contracts';
import { z } from 'zod';

const Values = z.record(ChannelNameSchema, z.number({ error: 'must be a finite number' }));

export const MAX_WINDOW_READINGS = 10_000;
export const MAX_BATCH_READINGS = 10_000;

const ReadingFields = {
  machine_id: IdentifierSchema,
  machine_type: MachineTypeNameSchema,
  reading_id: IdentifierSchema.optional(),
  timestamp: TimestampSchema.optional(),
};

/** One reading (scored with the machine's window state) or a whole window (stateless). */
export const PredictRequest = z
  .object({
    ...ReadingFields,
    readings: Values.optional().describe('One reading: channel → value'),
    window: z
      .array(Values)
      .min(1)
      .max(MAX_WINDOW_READINGS)
      .optional()
      .describe('A whole window, oldest first: the last `window` readings are scored statelessly'),
  })
  .superRefine((body, ctx) => {
    if ((body.readings === undefined) === (body.window === undefined))
      ctx.addIssue({ code: 'custom', path: ['readings'], message: 'give exactly one of readings or window' });
  });
export type PredictRequest = z.infer<typeof PredictRequest>;

export const PredictBatchRequest = z.object({
  readings: z
    .array(z.object({ ...ReadingFields, readings: Values }))
    .min(1)
    .max(MAX_BATCH_READINGS),
});
export type PredictBatchRequest = z.infer<typeof PredictBatchRequest>;
