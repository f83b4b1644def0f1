import {
  env,
  envSchema,
  loadConfig,
  serviceEnv,
  serviceSettings,
  secret,
  type EnvSource,
} from '@industrialmind/config';
import { TOPICS } from '@industrialmind/contracts';
import { eventBusConfigFromEnv, eventBusEnv } from '@industrialmind/event-bus';
import { relationalStoreConfigFromEnv, relationalStoreEnv } from '@industrialmind/relational-store';

// The only file of the service that reads process.env (STYLE.md, Configuration).
const schema = envSchema(
  {
    ...serviceEnv({
      port: 8090,
      profile: 'lite: embedded adapters in one process; full: Kafka and PostgreSQL',
    }),
    ALERTS_GROUP_ID: env.string().default('alerts').describe('Kafka consumer group'),
    ALERTS_ANOMALY_TOPIC: env.string().default(TOPICS.ANOMALY_DETECTED).describe('anomaly-detected topic'),
    ALERTS_PREDICTIONS_TOPIC: env
      .string()
      .default(TOPICS.MAINTENANCE_PREDICTIONS)
      .describe('maintenance-predictions topic'),
    ALERTS_TOPIC: env.string().default(TOPICS.ALERTS).describe('Topic alert changes are published to'),
    ALERTS_TOPIC_PARTITIONS: env
      .int({ min: 1, max: 1_000 })
      .default(12)
      .describe('Partitions when creating topics'),
    ALERTS_BATCH_SIZE: env
      .int({ min: 1, max: 10_000 })
      .default(1_000)
      .describe('Messages per store transaction'),
    ALERTS_PARTITIONS_CONCURRENTLY: env
      .int({ min: 1, max: 64 })
      .default(4)
      .describe('Partitions handled at once'),
    ALERTS_RULES_TTL_MS: env
      .durationMs({ min: 100, max: 600_000 })
      .default(5_000)
      .describe('How long rules and silences are cached between reads'),
    ALERTS_RUL_HORIZON: env
      .int({ min: 1 })
      .default(50)
      .describe('Without a rul rule: alert when the predicted RUL is below this (in the prediction unit)'),
    ALERTS_REMINDER_INTERVAL_MS: env
      .durationMs({ min: 0 })
      .default(900_000)
      .describe('Reminder and escalation interval for unacknowledged alerts (0: off)'),
    ALERTS_REMINDER_POLL_MS: env
      .durationMs({ min: 100 })
      .default(10_000)
      .describe('How often reminders are checked'),
    NOTIFY_WEBHOOK_URL: env
      .url({ protocols: ['http', 'https'] })
      .optional()
      .describe('Generic JSON webhook'),
    NOTIFY_SLACK_WEBHOOK_URL: secret(env.url({ protocols: ['http', 'https'] }))
      .optional()
      .describe('Slack-compatible incoming webhook URL'),
    NOTIFY_SMTP_URL: secret(env.url({ protocols: ['smtp', 'smtps'] }))
      .optional()
      .describe('SMTP server, smtp://user:password@host:port'),
    NOTIFY_EMAIL_FROM: env
      .string()
      .default('alerts@industrialmind.local')
      .describe('Sender address of alert mails'),
    NOTIFY_EMAIL_TO: env.list().optional().describe('Recipients of alert mails, comma-separated'),
    NOTIFY_RATE_PER_MINUTE: env
      .int({ min: 1, max: 100_000 })
      .default(30)
      .describe('Most notifications per channel per minute (storm cap); the rest wait'),
    NOTIFY_POLL_MS: env
      .durationMs({ min: 10 })
      .default(500)
      .describe('How often the outbox is polled when idle'),
    NOTIFY_LEASE_MS: env
      .durationMs({ min: 1_000 })
      .default(30_000)
      .describe('How long a claimed notification is reserved before another sender may retry it'),
    NOTIFY_MAX_ATTEMPTS: env.int({ min: 1, max: 100 }).default(8).describe('Attempts before dead-lettering'),
    NOTIFY_TIMEOUT_MS: env.durationMs({ min: 100 }).default(5_000).describe('Timeout of one delivery'),
    ...eventBusEnv,
    ...relationalStoreEnv,
  },
  (e) => ({
    ...serviceSettings(e),
    alerts: {
      groupId: e.ALERTS_GROUP_ID,
      topics: {
        anomaly: e.ALERTS_ANOMALY_TOPIC,
        predictions: e.ALERTS_PREDICTIONS_TOPIC,
        alerts: e.ALERTS_TOPIC,
      },
      topicPartitions: e.ALERTS_TOPIC_PARTITIONS,
      maxBatchSize: e.ALERTS_BATCH_SIZE,
      partitionsConcurrently: e.ALERTS_PARTITIONS_CONCURRENTLY,
      rulesTtlMs: e.ALERTS_RULES_TTL_MS,
      rulHorizon: e.ALERTS_RUL_HORIZON,
      reminderIntervalMs: e.ALERTS_REMINDER_INTERVAL_MS,
      reminderPollMs: e.ALERTS_REMINDER_POLL_MS,
      dispatcher: {
        ratePerMinute: {
          webhook: e.NOTIFY_RATE_PER_MINUTE,
          slack: e.NOTIFY_RATE_PER_MINUTE,
          email: e.NOTIFY_RATE_PER_MINUTE,
        },
        pollMs: e.NOTIFY_POLL_MS,
        leaseMs: e.NOTIFY_LEASE_MS,
        maxAttempts: e.NOTIFY_MAX_ATTEMPTS,
        initialBackoffMs: 1_000,
        maxBackoffMs: 300_000,
        batchSize: 50,
      },
    },
    channels: {
      webhook: e.NOTIFY_WEBHOOK_URL,
      slack: e.NOTIFY_SLACK_WEBHOOK_URL,
      email:
        e.NOTIFY_SMTP_URL && e.NOTIFY_EMAIL_TO
          ? { url: e.NOTIFY_SMTP_URL, from: e.NOTIFY_EMAIL_FROM, to: e.NOTIFY_EMAIL_TO }
          : undefined,
      timeoutMs: e.NOTIFY_TIMEOUT_MS,
    },
    eventBus: eventBusConfigFromEnv(e.PROFILE, e, 'alerts'),
    store: relationalStoreConfigFromEnv(e.PROFILE, e),
  }),
);

export type Config = ReturnType<typeof readConfig>;

/** Parses the environment once; throws one ConfigError listing every bad variable. */
export function readConfig(source: EnvSource = process.env) {
  return loadConfig(schema, source);
}
