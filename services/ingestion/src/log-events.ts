/** Stable `event` values of log lines that operators alert on. */
export const LogEvents = {
  readingDeadLettered: 'ingestion.reading.dead_lettered',
  storeUnavailable: 'ingestion.store.unavailable',
  writeRetried: 'ingestion.write.retried',
  consumerStarted: 'ingestion.consumer.started',
  lagUnavailable: 'ingestion.lag.unavailable',
} as const;
