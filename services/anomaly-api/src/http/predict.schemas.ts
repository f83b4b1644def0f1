import {
  CHANNEL_NAME_PATTERN,
  ChannelNameSchema,
  IDENTIFIER_PATTERN,
  ISO_DATETIME_PATTERN,
  MACHINE_TYPE_NAME_PATTERN,
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

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

/**
 * The hand-written fast path of {@link PredictRequest} for its common case, one reading: the value zod would
 * return for input it can vouch for, undefined for anything else (a window, a bad field), which zod then
 * decides and explains. It tests the same regexes the contract schemas use; a differential test keeps the two
 * equal. Unknown keys are dropped, as zod does.
 */
export function fastPredictRequest(raw: unknown): PredictRequest | undefined {
  if (!isPlainObject(raw) || raw.window !== undefined) return undefined;
  const { machine_id, machine_type, reading_id, timestamp, readings } = raw;
  if (typeof machine_id !== 'string' || !IDENTIFIER_PATTERN.test(machine_id)) return undefined;
  if (typeof machine_type !== 'string' || !MACHINE_TYPE_NAME_PATTERN.test(machine_type)) return undefined;
  if (reading_id !== undefined && (typeof reading_id !== 'string' || !IDENTIFIER_PATTERN.test(reading_id)))
    return undefined;
  if (timestamp !== undefined && (typeof timestamp !== 'string' || !ISO_DATETIME_PATTERN.test(timestamp)))
    return undefined;
  if (!isPlainObject(readings)) return undefined;
  const values: Record<string, number> = {};
  for (const channel in readings) {
    if (!Object.prototype.hasOwnProperty.call(readings, channel) || !CHANNEL_NAME_PATTERN.test(channel))
      return undefined;
    const value = readings[channel];
    if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
    values[channel] = value;
  }
  return {
    machine_id,
    machine_type,
    ...(reading_id !== undefined ? { reading_id } : {}),
    ...(timestamp !== undefined ? { timestamp } : {}),
    readings: values,
  };
}
