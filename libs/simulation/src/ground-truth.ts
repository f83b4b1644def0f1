import { IdentifierSchema, MachineTypeNameSchema, TimestampSchema } from '@industrialmind/contracts';
import { z } from 'zod';
import { FAULT_KINDS, FAULT_SHAPES } from './faults';

/**
 * The topic the simulator publishes ground truth to, keyed by `machine_id` like every topic. It is for evaluation
 * (and the trainer), not for the services under test: they must not read it.
 */
export const GROUND_TRUTH_TOPIC = 'simulator-ground-truth';
export const GROUND_TRUTH_SCHEMA_VERSION = '1.0';

export const ActiveFaultSchema = z.object({
  fault_id: z.string(),
  kind: z.enum(FAULT_KINDS),
  component: z.string(),
  channel: z.string().optional(),
  shape: z.enum(FAULT_SHAPES),
  started_at: TimestampSchema,
  /** Intensity now (severity x shape progress), 0-1. */
  severity: z.number().min(0).max(1),
  /** Peak severity the fault grows to. */
  peak_severity: z.number().min(0).max(1),
  /**
   * Set when this is the downstream symptom of a fault on another machine (a propagated fault): the machine the
   * fault really is on. `kind`, `component` and `fault_id` are then those of that root fault.
   */
  root_machine_id: IdentifierSchema.optional(),
});
export type ActiveFault = z.infer<typeof ActiveFaultSchema>;

/**
 * What really happened at one reading: one record per reading, same `reading_id`. Simulated machines carry
 * health, remaining useful life and the active faults; replayed data sets carry their labels (SKAB's anomaly
 * and changepoint, C-MAPSS's RUL in cycles when known).
 */
export const GroundTruthRecordSchema = z.object({
  schema_version: z.string(),
  source: z.enum(['simulator', 'skab', 'cmapss']),
  reading_id: IdentifierSchema,
  machine_id: IdentifierSchema,
  machine_type: MachineTypeNameSchema,
  timestamp: TimestampSchema,
  /** `running`, or `failed` (health reached 0; the machine is stopped until repaired). */
  status: z.enum(['running', 'failed']).optional(),
  /** Health index: 1 new, 0 failed. */
  health: z.number().min(0).max(1).optional(),
  /** Hours of operation until failure, given the faults injected so far. */
  rul_hours: z.number().min(0).optional(),
  /** C-MAPSS: cycles until failure (train files, or test files with their RUL file). */
  rul_cycles: z.number().int().min(0).optional(),
  /** Operating load 0-1 (simulator). */
  load: z.number().min(0).max(1).optional(),
  /** The reading was not sent because every channel dropped out at once. */
  dropped: z.boolean().optional(),
  active_faults: z.array(ActiveFaultSchema),
  /** SKAB labels. */
  anomaly: z.boolean().optional(),
  changepoint: z.boolean().optional(),
});
export type GroundTruthRecord = z.infer<typeof GroundTruthRecordSchema>;

/** Serialises a ground-truth record for the wire (no validation: the simulator builds them itself). */
export function encodeGroundTruth(record: GroundTruthRecord): Buffer {
  return Buffer.from(JSON.stringify(record), 'utf8');
}
