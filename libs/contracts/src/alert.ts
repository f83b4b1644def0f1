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

export const AlertStatusSchema = z.enum(['open', 'acknowledged', 'resolved']);
export type AlertStatus = z.infer<typeof AlertStatusSchema>;

/** The same four levels as a maintenance priority, so a prediction maps onto an alert without a table. */
export const AlertSeveritySchema = PrioritySchema;
export type AlertSeverity = z.infer<typeof AlertSeveritySchema>;

export const AlertCauseKindSchema = z.enum(['anomaly', 'rul', 'rule', 'manual']);
export type AlertCauseKind = z.infer<typeof AlertCauseKindSchema>;

export const AlertCauseSchema = z
  .object({
    kind: AlertCauseKindSchema.describe(
      'What raised the alert: an anomaly event, a RUL forecast, an alert rule or a person.',
    ),
    summary: z
      .string()
      .min(1)
      .max(1000)
      .describe('One line for the technician, e.g. "vibration anomaly, score 0.93 > 0.80".'),
    event_id: IdentifierSchema.optional().describe(
      'The anomaly event that raised the alert (kind "anomaly").',
    ),
    reading_id: IdentifierSchema.optional().describe('The reading that triggered the alert, if any.'),
    rule_id: IdentifierSchema.optional().describe('The alert rule that fired (kind "rule").'),
    model_version: ModelVersionSchema.optional(),
  })
  .describe('Why the alert exists.');
export type AlertCause = z.infer<typeof AlertCauseSchema>;

const ActorSchema = z.string().min(1).max(256);

const REQUIRED_TIMESTAMP_FOR_STATUS = { acknowledged: 'acknowledged_at', resolved: 'resolved_at' } as const;

export const AlertSchema = z
  .object({
    schema_version: SchemaVersionSchema,
    alert_id: IdentifierSchema.describe(
      'Id of the alert; every state change is published under the same id.',
    ),
    machine_id: IdentifierSchema.describe('Machine the alert is about; the Kafka key.'),
    machine_type: MachineTypeNameSchema,
    cause: AlertCauseSchema,
    severity: AlertSeveritySchema,
    status: AlertStatusSchema,
    created_at: TimestampSchema.describe('When the alert was opened.'),
    updated_at: TimestampSchema.describe('When this state of the alert was reached; the latest wins.'),
    acknowledged_at: TimestampSchema.optional().describe(
      'Required once acknowledged (kept after resolution).',
    ),
    acknowledged_by: ActorSchema.optional().describe('User who acknowledged the alert.'),
    resolved_at: TimestampSchema.optional().describe('Required when resolved.'),
    resolved_by: ActorSchema.optional().describe('User who resolved the alert.'),
    assignee: ActorSchema.optional().describe('User the alert is assigned to.'),
    event_count: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Events counted into this alert so far (duplicates excluded); added in 1.1.'),
    group_key: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .describe('Grouping key for storms, e.g. the production line of the machine; added in 1.1.'),
  })
  .superRefine(
    (alert, ctx) => {
      const status = alert.status as string | undefined;
      if (status === 'acknowledged' || status === 'resolved') {
        const field = REQUIRED_TIMESTAMP_FOR_STATUS[status];
        if (alert[field] === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: `is required when status is "${status}"`,
            params: { code: IssueCode.MISSING_FIELD },
          });
        }
      }
      const created = typeof alert.created_at === 'string' ? Date.parse(alert.created_at) : NaN;
      const updated = typeof alert.updated_at === 'string' ? Date.parse(alert.updated_at) : NaN;
      if (updated < created) {
        ctx.addIssue({
          code: 'custom',
          path: ['updated_at'],
          message: `must not be earlier than created_at (${alert.created_at})`,
          params: { code: IssueCode.INCONSISTENT },
        });
      }
    },
    // Run even when other fields failed, so one pass reports every issue (zod skips refinements otherwise).
    { when: () => true },
  )
  .meta({
    title: 'alerts message',
    description:
      'The current state of one alert; published on every change (opened, acknowledged, assigned, resolved). Topic alerts, key machine_id.',
  });

export type Alert = z.infer<typeof AlertSchema>;
