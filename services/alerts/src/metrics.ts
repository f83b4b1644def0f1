import { Counter, Histogram, type Registry } from 'prom-client';

export function createAlertsMetrics(registry: Registry) {
  return {
    messages: new Counter({
      name: 'alerts_messages_total',
      help: 'Messages consumed, by topic and result (signal, ignored, invalid)',
      labelNames: ['topic', 'result'],
      registers: [registry],
    }),
    opened: new Counter({
      name: 'alerts_opened_total',
      help: 'Alerts opened, by severity',
      labelNames: ['severity'],
      registers: [registry],
    }),
    grouped: new Counter({
      name: 'alerts_signals_counted_total',
      help: 'Signals counted into an alert (duplicates excluded)',
      registers: [registry],
    }),
    notificationDelay: new Histogram({
      name: 'alerts_notification_delay_seconds',
      help: 'From the notification being queued to the channel accepting it, by channel',
      labelNames: ['channel'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
  };
}

export type AlertsMetrics = ReturnType<typeof createAlertsMetrics>;
