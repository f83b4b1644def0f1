// Valid sample messages for tests in any package: `sampleSensorReading({ readings: { temperature: 99 } })`.
// Each returns a fresh object that passes its topic's parser with the default machine types.
import type { Alert } from '../alert';
import type { AnomalyDetected } from '../anomaly-detected';
import type { MaintenancePrediction } from '../maintenance-prediction';
import type { SensorReading } from '../sensor-reading';
import { SCHEMA_VERSIONS } from '../topics';

export function sampleSensorReading(overrides: Partial<SensorReading> = {}): SensorReading {
  return {
    schema_version: SCHEMA_VERSIONS['sensor-readings'],
    reading_id: '3f2b1f7e-9a10-4c55-8e3b-7b0c5f0e6c1e',
    timestamp: '2024-05-01T12:00:00.000Z',
    machine_id: 'mill-001',
    machine_type: 'cnc-mill',
    readings: { temperature: 71.2, vibration: 2.31, pressure: 5.5, power: 12.4 },
    metadata: { plant: 'plant-1', line: 'line-2', location: 'bay 3' },
    ...overrides,
  };
}

export function sampleAnomalyDetected(overrides: Partial<AnomalyDetected> = {}): AnomalyDetected {
  return {
    schema_version: SCHEMA_VERSIONS['anomaly-detected'],
    event_id: 'evt-mill-001-20240501T120000Z',
    state: 'started',
    reading_id: '3f2b1f7e-9a10-4c55-8e3b-7b0c5f0e6c1e',
    machine_id: 'mill-001',
    machine_type: 'cnc-mill',
    timestamp: '2024-05-01T12:00:00.000Z',
    score: 0.93,
    threshold: 0.8,
    is_anomaly: true,
    confidence: 0.87,
    feature_contributions: { vibration: 0.71, temperature: 0.18, pressure: 0.07, power: 0.04 },
    model_version: 'cnc-mill-ae@3',
    ...overrides,
  };
}

export function sampleMaintenancePrediction(
  overrides: Partial<MaintenancePrediction> = {},
): MaintenancePrediction {
  return {
    schema_version: SCHEMA_VERSIONS['maintenance-predictions'],
    machine_id: 'engine-042',
    machine_type: 'cmapss-turbofan',
    timestamp: '2024-05-01T12:00:00Z',
    predicted_rul: 87,
    rul_unit: 'cycles',
    confidence_interval: { lower: 70, upper: 101, level: 0.9 },
    recommended_action: 'Schedule a borescope inspection of the HPC within 60 cycles.',
    priority: 'medium',
    model_version: 'cmapss-lstm@1',
    ...overrides,
  };
}

export function sampleAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    schema_version: SCHEMA_VERSIONS.alerts,
    alert_id: 'alert-0001',
    machine_id: 'mill-001',
    machine_type: 'cnc-mill',
    cause: {
      kind: 'anomaly',
      summary: 'vibration anomaly, score 0.93 > 0.80',
      event_id: 'evt-mill-001-20240501T120000Z',
      model_version: 'cnc-mill-ae@3',
    },
    severity: 'high',
    status: 'open',
    created_at: '2024-05-01T12:00:01Z',
    updated_at: '2024-05-01T12:00:01Z',
    ...overrides,
  };
}

/** The `seq`-th reading of `machine`: ids and timestamps (100 ms apart from 2026-01-01) follow from the two. */
export function sequencedSensorReading(
  machine: string,
  seq: number,
  overrides: Partial<SensorReading> = {},
): SensorReading {
  return sampleSensorReading({
    machine_id: machine,
    reading_id: `${machine}-${seq}`,
    timestamp: new Date(Date.UTC(2026, 0, 1) + seq * 100).toISOString(),
    readings: { temperature: 60 + seq, vibration: 2, pressure: 5, power: 10 + seq / 10 },
    ...overrides,
  });
}
