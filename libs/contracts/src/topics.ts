/** Kafka topic names (ARCHITECTURE.md §2). Every topic is keyed by `machine_id`. */
export const TOPICS = {
  SENSOR_READINGS: 'sensor-readings',
  ANOMALY_DETECTED: 'anomaly-detected',
  MAINTENANCE_PREDICTIONS: 'maintenance-predictions',
  ALERTS: 'alerts',
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

export const ALL_TOPICS: readonly Topic[] = Object.freeze(Object.values(TOPICS));

/**
 * The version each topic's writers stamp into `schema_version`. Bump MINOR for additive, optional changes
 * (readers of the same MAJOR keep working); bump MAJOR for anything else, which readers reject.
 */
export const SCHEMA_VERSIONS: Readonly<Record<Topic, string>> = Object.freeze({
  'sensor-readings': '1.2',
  'anomaly-detected': '1.0',
  'maintenance-predictions': '1.0',
  alerts: '1.1',
});

/** The message field whose value is the Kafka key on every topic: per-machine order, parallel across machines. */
export const KAFKA_KEY_FIELD = 'machine_id';

/** Dead-letter topic for a topic: `sensor-readings` -> `sensor-readings.dlq`. */
export function dlqTopic<T extends string>(topic: T): `${T}.dlq` {
  return `${topic}.dlq`;
}

export function isTopic(name: string): name is Topic {
  return (ALL_TOPICS as readonly string[]).includes(name);
}
