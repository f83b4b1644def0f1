import { encodeAnomalyDetected, encodeMaintenancePrediction } from '@industrialmind/contracts';
import type { OutgoingMessage } from '@industrialmind/event-bus';
import type { AlertsSettings } from '../service';

export const T0 = Date.UTC(2026, 0, 1);

/** An anomaly-detected message for machine `m`, episode `eventId`, reading number `n`. */
export function anomaly(
  m: string,
  n: number,
  extra: {
    eventId?: string;
    score?: number;
    state?: 'started' | 'continuing' | 'ended';
    isAnomaly?: boolean;
  } = {},
): OutgoingMessage {
  return {
    key: m,
    value: encodeAnomalyDetected({
      event_id: extra.eventId ?? `ev-${m}`,
      state: extra.state ?? (n === 0 ? 'started' : 'continuing'),
      reading_id: `r-${m}-${n}`,
      machine_id: m,
      machine_type: 'pump',
      timestamp: new Date(T0 + n * 100).toISOString(),
      score: extra.score ?? 0.9,
      threshold: 0.5,
      is_anomaly: extra.isAnomaly ?? true,
      confidence: 0.9,
      feature_contributions: { vibration: 0.7, temperature: 0.2 },
      model_version: 'ae@1',
    }),
  };
}

export function prediction(m: string, rul: number, n = 0): OutgoingMessage {
  return {
    key: m,
    value: encodeMaintenancePrediction({
      machine_id: m,
      machine_type: 'pump',
      timestamp: new Date(T0 + n * 1000).toISOString(),
      predicted_rul: rul,
      rul_unit: 'hours',
      confidence_interval: { lower: Math.max(0, rul - 5), upper: rul + 5, level: 0.9 },
      recommended_action: 'replace the bearing',
      priority: rul < 10 ? 'critical' : 'high',
      model_version: 'rul@1',
    }),
  };
}

export function testSettings(overrides: Partial<AlertsSettings> = {}): AlertsSettings {
  return {
    groupId: 'alerts-test',
    topicPartitions: 4,
    maxBatchSize: 1000,
    partitionsConcurrently: 4,
    rulesTtlMs: 100,
    rulHorizon: 50,
    reminderIntervalMs: 0,
    reminderPollMs: 1000,
    dispatcher: {
      ratePerMinute: {},
      pollMs: 50,
      leaseMs: 5_000,
      maxAttempts: 3,
      initialBackoffMs: 50,
      maxBackoffMs: 500,
      batchSize: 50,
    },
    ...overrides,
  };
}
