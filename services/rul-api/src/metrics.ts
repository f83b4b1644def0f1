import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface RulMetrics {
  predictionsPublished: Counter<'model' | 'priority'>;
  deadLetters: Counter<'reason'>;
  readingsWithoutModel: Counter<'machine_type'>;
  inferenceDuration: Histogram<'source'>;
  predictedRul: Histogram<'model'>;
  modelChanges: Counter<'type'>;
  machinesTracked: Gauge;
  historyLookups: Counter<'result'>;
}

/** The service's metrics, registered on the app's registry (so /metrics shows them with the RED metrics). */
export function createRulMetrics(registry: Registry, machines: () => number): RulMetrics {
  return {
    predictionsPublished: new Counter({
      name: 'rul_predictions_published_total',
      help: 'maintenance-predictions published, by model and priority',
      labelNames: ['model', 'priority'],
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'rul_dead_letters_total',
      help: 'Readings sent to sensor-readings.dlq by this service, by the first validation issue code',
      labelNames: ['reason'],
      registers: [registry],
    }),
    readingsWithoutModel: new Counter({
      name: 'rul_readings_without_model_total',
      help: 'Valid readings of a machine no loaded model serves (skipped)',
      labelNames: ['machine_type'],
      registers: [registry],
    }),
    inferenceDuration: new Histogram({
      name: 'rul_inference_duration_seconds',
      help: 'Latency of one batched ONNX inference',
      labelNames: ['source'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    predictedRul: new Histogram({
      name: 'rul_predicted_rul',
      help: 'Distribution of predicted remaining useful life (model unit), for drift watching',
      labelNames: ['model'],
      buckets: [5, 10, 20, 40, 60, 80, 100, 125, 150, 200, 500, 1000],
      registers: [registry],
    }),
    modelChanges: new Counter({
      name: 'rul_model_changes_total',
      help: 'Models loaded, removed or failed to load from the models folder',
      labelNames: ['type'],
      registers: [registry],
    }),
    historyLookups: new Counter({
      name: 'rul_history_lookups_total',
      help:
        'Machines first seen by this process under a model with history inputs, looked up in the time-series store: ' +
        'found (past readings), none (a new machine) or failed (followed from the next reading)',
      labelNames: ['result'],
      registers: [registry],
    }),
    machinesTracked: new Gauge({
      name: 'rul_machines_tracked',
      help: 'Machines whose recent readings are held for forecasting',
      registers: [registry],
      collect() {
        this.set(machines());
      },
    }),
  };
}
