/** Stable `event` values of log lines that operators alert on. */
export const LogEvents = {
  readingDeadLettered: 'anomaly.reading.dead_lettered',
  readingUnscored: 'anomaly.reading.unscored',
  consumerStarted: 'anomaly.consumer.started',
  modelLoaded: 'anomaly.model.loaded',
  modelSwapped: 'anomaly.model.swapped',
  eventStarted: 'anomaly.event.started',
} as const;
