import { z } from 'zod';
import { IssueCode } from './issues';
import {
  IdentifierSchema,
  MachineTypeNameSchema,
  ModelVersionSchema,
  PrioritySchema,
  SchemaVersionSchema,
  TimestampSchema,
} from './primitives';

export const RulUnitSchema = z.enum(['cycles', 'hours']);
export type RulUnit = z.infer<typeof RulUnitSchema>;

export const ConfidenceIntervalSchema = z
  .object({
    lower: z.number().min(0).describe('Lower bound of the remaining useful life, in rul_unit.'),
    upper: z.number().min(0).describe('Upper bound of the remaining useful life, in rul_unit.'),
    level: z.number().gt(0).lt(1).describe('Coverage probability of the interval, e.g. 0.9.'),
  })
  .refine((ci) => ci.lower <= ci.upper, {
    error: 'lower must not be greater than upper',
    path: ['lower'],
    params: { code: IssueCode.INCONSISTENT },
  });
export type ConfidenceInterval = z.infer<typeof ConfidenceIntervalSchema>;

export const MaintenancePredictionSchema = z
  .object({
    schema_version: SchemaVersionSchema,
    machine_id: IdentifierSchema.describe('Machine the prediction is for; the Kafka key.'),
    machine_type: MachineTypeNameSchema,
    timestamp: TimestampSchema.describe('Timestamp of the last reading the prediction is based on.'),
    reading_id: IdentifierSchema.optional().describe(
      'The last reading the prediction is based on, if known.',
    ),
    predicted_rul: z.number().min(0).describe('Predicted remaining useful life, in rul_unit.'),
    rul_unit: RulUnitSchema,
    confidence_interval: ConfidenceIntervalSchema,
    recommended_action: z
      .string()
      .min(1)
      .max(1000)
      .describe('What a technician should do, in one or two sentences.'),
    priority: PrioritySchema,
    model_version: ModelVersionSchema,
  })
  .superRefine(
    (p, ctx) => {
      const ci: Partial<ConfidenceInterval> | undefined = p.confidence_interval;
      if (
        typeof p.predicted_rul !== 'number' ||
        typeof ci?.lower !== 'number' ||
        typeof ci.upper !== 'number'
      )
        return;
      // Only when the parts are valid on their own, so one mistake is reported once.
      const partsValid = p.predicted_rul >= 0 && ci.lower >= 0 && ci.lower <= ci.upper;
      if (partsValid && (p.predicted_rul < ci.lower || p.predicted_rul > ci.upper)) {
        ctx.addIssue({
          code: 'custom',
          path: ['predicted_rul'],
          message: `must lie within confidence_interval [${ci.lower}, ${ci.upper}], got ${p.predicted_rul}`,
          params: { code: IssueCode.INCONSISTENT },
        });
      }
    },
    // Run even when other fields failed, so one pass reports every issue (zod skips refinements otherwise).
    { when: () => true },
  )
  .meta({
    title: 'maintenance-predictions message',
    description:
      'A remaining-useful-life forecast for one machine with its interval and recommended action. Topic maintenance-predictions, key machine_id.',
  });

export type MaintenancePrediction = z.infer<typeof MaintenancePredictionSchema>;
