import { Counter, Histogram, type Registry } from 'prom-client';

export interface GraphApiMetrics {
  analyses: Counter<'result'>;
  deadLetters: Counter<'reason'>;
  rankDuration: Histogram<'source'>;
}

/** The service's metrics, registered on the app's registry (so /metrics shows them with the RED metrics). */
export function createGraphApiMetrics(registry: Registry): GraphApiMetrics {
  return {
    analyses: new Counter({
      name: 'graph_api_root_cause_analyses_total',
      help: 'anomaly-detected events handled by the consumer, by result (stored, skipped, unknown_machine); revised counts downstream analyses updated',
      labelNames: ['result'],
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'graph_api_dead_letters_total',
      help: 'anomaly-detected messages sent to anomaly-detected.dlq, by the first validation issue code',
      labelNames: ['reason'],
      registers: [registry],
    }),
    rankDuration: new Histogram({
      name: 'graph_api_root_cause_duration_seconds',
      help: 'Latency of one root-cause ranking (graph queries included)',
      labelNames: ['source'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
  };
}
