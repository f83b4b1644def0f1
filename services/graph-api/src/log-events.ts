/** Stable `event` values of log lines that operators alert on. */
export const LogEvents = {
  anomalyDeadLettered: 'graph_api.anomaly.dead_lettered',
  anomalyUnknownMachine: 'graph_api.anomaly.unknown_machine',
  rootCauseStored: 'graph_api.root_cause.stored',
  storeUnavailable: 'graph_api.store.unavailable',
  consumerStarted: 'graph_api.consumer.started',
  plantSeeded: 'graph_api.plant.seeded',
} as const;
