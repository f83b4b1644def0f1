import { IdentifierSchema, MachineTypeNameSchema } from '@industrialmind/contracts';
import { z } from 'zod';

const Actor = z.string().trim().min(1).max(256);
const Severity = z.enum(['low', 'medium', 'high', 'critical']);
const StatusList = z
  .string()
  .transform((s) => s.split(',').filter((x) => x.length > 0))
  .pipe(z.array(z.enum(['open', 'acknowledged', 'resolved'])).min(1));

export const AlertParams = z.object({ alertId: z.uuid({ error: 'must be a UUID' }) });
export const IdParams = z.object({ id: z.uuid({ error: 'must be a UUID' }) });

export const ListAlertsQuery = z.object({
  status: StatusList.optional(),
  machine_id: IdentifierSchema.optional(),
  group_key: z.string().min(1).max(128).optional(),
  assignee: Actor.optional(),
  before: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const ActorBody = z.object({ actor: Actor });
export const AssignBody = z.object({ actor: Actor, assignee: Actor.nullable() });
export const ResolveBody = z.object({
  actor: Actor,
  reason: z.enum(['confirmed_fault', 'false_positive', 'sensor_fault', 'planned_work']),
  note: z.string().max(4000).optional(),
});
export const CommentBody = z.object({ author: Actor, body: z.string().trim().min(1).max(4000) });

const RuleFields = {
  name: z.string().trim().min(1).max(200),
  enabled: z.boolean(),
  kind: z.enum(['anomaly', 'rul']),
  machine_type: MachineTypeNameSchema.nullable(),
  machine_id: IdentifierSchema.nullable(),
  min_score: z.number().nullable(),
  hysteresis: z.number().min(0),
  min_duration_sec: z.number().int().min(0).max(86_400),
  rul_horizon: z.number().positive().nullable(),
  severity: Severity,
  severity_map: z.array(z.object({ min_score: z.number(), severity: Severity })).max(16),
};

export const CreateRuleBody = z
  .object({
    ...RuleFields,
    enabled: RuleFields.enabled.default(true),
    machine_type: RuleFields.machine_type.default(null),
    machine_id: RuleFields.machine_id.default(null),
    min_score: RuleFields.min_score.default(null),
    hysteresis: RuleFields.hysteresis.default(0),
    min_duration_sec: RuleFields.min_duration_sec.default(0),
    rul_horizon: RuleFields.rul_horizon.default(null),
    severity: RuleFields.severity.default('medium'),
    severity_map: RuleFields.severity_map.default([]),
  })
  .strict()
  .refine((r) => r.kind !== 'rul' || r.rul_horizon !== null, {
    error: 'is required for a rul rule',
    path: ['rul_horizon'],
  });

export const UpdateRuleBody = z.object(RuleFields).partial().strict();

export const CreateSilenceBody = z
  .object({
    kind: z.enum(['maintenance', 'silence']),
    machine_type: MachineTypeNameSchema.nullable().default(null),
    machine_id: IdentifierSchema.nullable().default(null),
    starts_at: z.iso.datetime({ offset: true }),
    ends_at: z.iso.datetime({ offset: true }),
    reason: z.string().trim().min(1).max(1000),
    created_by: Actor,
  })
  .strict()
  .refine((s) => Date.parse(s.ends_at) > Date.parse(s.starts_at), {
    error: 'must be after starts_at',
    path: ['ends_at'],
  });
