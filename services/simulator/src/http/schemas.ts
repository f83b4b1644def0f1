import {
  COMPONENT_PATTERN,
  FAULT_CATALOG,
  FAULT_KINDS,
  FAULT_SHAPES,
  MAX_FLEET_SIZE,
  SIMULATOR_CHANNELS,
  SIMULATOR_MACHINE_TYPE_NAMES,
} from '@industrialmind/simulation';
import { z } from 'zod';

// Request schemas of the REST API. Field names are snake_case like every wire shape; unknown fields are rejected
// so that a typo ("severty") is a 400 naming it rather than a silently ignored default.

export const FleetQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_FLEET_SIZE).default(1000),
});

export const FleetBody = z.strictObject({
  size: z.number().int().min(1).max(MAX_FLEET_SIZE),
  seed: z.number().int().optional(),
  machine_types: z.array(z.enum(SIMULATOR_MACHINE_TYPE_NAMES)).min(1).optional(),
  life_hours: z.number().positive().optional(),
  repair_hours: z.number().min(0).nullable().optional(),
});

export const RateBody = z.strictObject({
  readings_per_sec: z.number().positive(),
});

export const FaultBody = z
  .strictObject({
    machine_id: z.string().min(1),
    kind: z.enum(FAULT_KINDS),
    shape: z.enum(FAULT_SHAPES).default('ramp'),
    severity: z.number().gt(0).max(1).default(1),
    duration_sec: z.number().positive().nullable().optional(),
    onset_sec: z.number().min(0).optional(),
    start_in_sec: z
      .number()
      .min(0)
      .max(365 * 86_400)
      .optional(),
    component: z
      .string()
      .regex(COMPONENT_PATTERN, { error: 'must be lower-case letters, digits, "_", "." or "-"' })
      .optional(),
    channel: z.enum(SIMULATOR_CHANNELS).optional(),
  })
  .superRefine((body, ctx) => {
    const isSensorFault = FAULT_CATALOG[body.kind].isSensorFault;
    if (isSensorFault && body.channel === undefined) {
      ctx.addIssue({ code: 'custom', path: ['channel'], message: `is required for ${body.kind}` });
    }
    if (!isSensorFault && body.channel !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['channel'], message: 'applies to sensor faults only' });
    }
  });

export const FaultQuery = z.object({
  machine_id: z.string().min(1).optional(),
  state: z.enum(['scheduled', 'active', 'ended']).optional(),
});

export const FaultParams = z.object({ faultId: z.string().min(1).max(128) });

export const ReplayBody = z.strictObject({
  dataset: z.enum(['skab', 'cmapss']),
  path: z.string().min(1).max(1024),
  speed: z.union([z.number().min(0), z.literal('max')]).default('max'),
  timestamps: z.enum(['keep', 'now']).default('now'),
  cycle_sec: z.number().positive().optional(),
  utc_offset: z
    .string()
    .regex(/^(?:Z|[+-]\d{2}:?\d{2})$/, { error: 'must be Z or ±hh:mm' })
    .optional(),
  rul_path: z.string().min(1).max(1024).optional(),
  ground_truth: z.boolean().default(true),
});
