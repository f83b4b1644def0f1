/** Stable `event` values of the demo's log lines (STYLE.md, Logs). */
export const DEMO_LOG_EVENTS = {
  publishFailed: 'demo.producer.publish_failed',
  producerFailed: 'demo.producer.failed',
  firstDeadLetter: 'demo.reading.dead_lettered',
  notDrained: 'demo.shutdown.not_drained',
  chainNotDrained: 'demo.shutdown.chain_not_drained',
  unbalanced: 'demo.summary.unbalanced',
} as const;
