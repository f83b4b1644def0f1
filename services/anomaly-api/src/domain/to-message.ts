import type { AnomalyDetected } from '@industrialmind/contracts';
import type { ScoringResult } from '@industrialmind/anomaly-scoring';

/**
 * The anomaly-detected message for a result that starts, continues or ends an event (undefined otherwise).
 * Event policy: `started` on the reading that opens an event (on_count readings over the threshold),
 * `continuing` on every n-th anomalous reading after it, `ended` on the reading that closes it (off_count
 * readings at or under the threshold, or under the peak-relative release level when the model's policy has
 * one; that reading itself is normal).
 */
export function toAnomalyDetected(
  result: ScoringResult,
  reading: { reading_id: string; machine_type: string; timestamp: string },
): Omit<AnomalyDetected, 'schema_version'> | undefined {
  if (!result.event || result.status !== 'scored') return undefined;
  return {
    event_id: result.event.id,
    state: result.event.state,
    reading_id: reading.reading_id,
    machine_id: result.machineId,
    machine_type: reading.machine_type,
    timestamp: reading.timestamp,
    score: result.smoothedScore!,
    threshold: result.threshold!,
    is_anomaly: result.isAnomaly,
    confidence: result.confidence,
    feature_contributions: result.contributions,
    model_version: result.modelVersion,
  };
}
