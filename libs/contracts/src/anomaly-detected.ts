import { z } from 'zod';
import {
  IdentifierSchema,
  MachineTypeNameSchema,
  ModelVersionSchema,
  SchemaVersionSchema,
  TimestampSchema,
  channelRecordSchema,
} from './primitives';

export const AnomalyStateSchema = z
  .enum(['started', 'continuing', 'ended'])
  .describe(
    'Lifecycle of the anomaly event: the first anomalous reading starts it, the first normal one after it ends it.',
  );
export type AnomalyState = z.infer<typeof AnomalyStateSchema>;

export const AnomalyDetectedSchema = z
  .object({
    schema_version: SchemaVersionSchema,
    event_id: IdentifierSchema.describe('Id of the anomaly event; the same from "started" to "ended".'),
    state: AnomalyStateSchema,
    reading_id: IdentifierSchema.describe('The sensor reading that was scored.'),
    machine_id: IdentifierSchema.describe('Machine the reading came from; the Kafka key.'),
    machine_type: MachineTypeNameSchema,
    timestamp: TimestampSchema.describe('Timestamp of the scored reading.'),
    score: z.number().describe('Anomaly score of the reading; higher is more anomalous.'),
    threshold: z.number().describe('Score above which the model calls a reading anomalous.'),
    is_anomaly: z
      .boolean()
      .describe('Whether this reading is anomalous (score > threshold, after any debouncing).'),
    confidence: z.number().min(0).max(1).describe('Confidence in is_anomaly, 0-1.'),
    feature_contributions: channelRecordSchema(
      'Channel name to its contribution to the score (may be negative); keys are channels of machine_type.',
      { nonEmpty: false },
    ),
    model_version: ModelVersionSchema,
  })
  .meta({
    title: 'anomaly-detected message',
    description:
      "The anomaly detector's verdict on one reading, as part of an anomaly event (started, continuing, ended). Topic anomaly-detected, key machine_id.",
  });

export type AnomalyDetected = z.infer<typeof AnomalyDetectedSchema>;
