/** Stable `event` values of log lines that operators alert on. */
export const LogEvents = {
  readingDeadLettered: 'rul.reading.dead_lettered',
  consumerStarted: 'rul.consumer.started',
  publishRetried: 'rul.publish.retried',
  noModel: 'rul.reading.no_model',
  modelsEmpty: 'rul.models.empty',
  historyLookupFailed: 'rul.history.lookup_failed',
  historyStoreMissing: 'rul.history.store_missing',
} as const;
