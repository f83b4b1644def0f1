import type { RegistryResult } from './domain/scorer-registry';
import type { AnomalyMetrics } from './metrics';

/** Counts one scoring result into the service metrics (REST and stream alike). */
export function recordResults(metrics: AnomalyMetrics, machineType: string, result: RegistryResult): void {
  if (result.status === 'no_model') {
    metrics.unscored.inc({ reason: 'no_model' });
    return;
  }
  metrics.readingsScored.inc({ machine_type: machineType, status: result.status });
  if (result.status !== 'scored') return;
  metrics.scoreRatio.observe({ machine_type: machineType }, result.smoothedScore! / result.threshold!);
  if (result.isAnomaly) metrics.anomalies.inc({ machine_type: machineType });
  if (result.event) metrics.events.inc({ machine_type: machineType, state: result.event.state });
}
