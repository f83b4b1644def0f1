import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface AnomalyMetrics {
  /** Seconds to score one call (a REST request or a consumer batch), by source. */
  scoringDuration: Histogram<'source'>;
  /** Score / threshold of every scored reading: the score distribution, comparable across machines. */
  scoreRatio: Histogram<'machine_type'>;
  readingsScored: Counter<'machine_type' | 'status'>;
  /** Anomalous readings; rate() gives anomalies/s. */
  anomalies: Counter<'machine_type'>;
  events: Counter<'machine_type' | 'state'>;
  unscored: Counter<'reason'>;
  deadLetters: Counter<'reason'>;
  modelInfo: Gauge<'machine_type' | 'model_version'>;
}

export function createAnomalyMetrics(registry: Registry): AnomalyMetrics {
  return {
    scoringDuration: new Histogram({
      name: 'anomaly_scoring_duration_seconds',
      help: 'Time to score one REST request or one consumer batch',
      labelNames: ['source'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    scoreRatio: new Histogram({
      name: 'anomaly_score_ratio',
      help: 'Smoothed anomaly score divided by the machine threshold (> 1 is over the threshold)',
      labelNames: ['machine_type'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 5, 10, 100],
      registers: [registry],
    }),
    readingsScored: new Counter({
      name: 'anomaly_readings_total',
      help: 'Readings through the scorer, by status (calibrating: in the cold start; scored)',
      labelNames: ['machine_type', 'status'],
      registers: [registry],
    }),
    anomalies: new Counter({
      name: 'anomaly_anomalous_readings_total',
      help: 'Readings judged anomalous after the persistence policy',
      labelNames: ['machine_type'],
      registers: [registry],
    }),
    events: new Counter({
      name: 'anomaly_events_total',
      help: 'anomaly-detected messages by state (started, continuing, ended)',
      labelNames: ['machine_type', 'state'],
      registers: [registry],
    }),
    unscored: new Counter({
      name: 'anomaly_readings_unscored_total',
      help: 'Valid readings that could not be scored, by reason (no_model: no model for the machine type)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'anomaly_dead_letters_total',
      help: 'Readings sent to the input DLQ, by the first validation issue code',
      labelNames: ['reason'],
      registers: [registry],
    }),
    modelInfo: new Gauge({
      name: 'anomaly_model_info',
      help: 'The model served per machine type (value 1)',
      labelNames: ['machine_type', 'model_version'],
      registers: [registry],
    }),
  };
}
