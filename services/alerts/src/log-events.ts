/** Stable `event` values of the log lines operators alert on (STYLE.md, Logs). */
export const LogEvents = {
  messageDeadLettered: 'alerts.message.dead_lettered',
  storeUnavailable: 'alerts.store.unavailable',
  outboxUnavailable: 'alerts.outbox.unavailable',
  notificationRetried: 'alerts.notification.retried',
  notificationDead: 'alerts.notification.dead_lettered',
  publishFailed: 'alerts.publish.failed',
  reminderFailed: 'alerts.reminder.failed',
} as const;
