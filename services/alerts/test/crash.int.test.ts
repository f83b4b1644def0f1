/**
 * Crash test against real Kafka and PostgreSQL, with a real HTTP receiver and a real SMTP server on 127.0.0.1:
 * the alerts process is SIGKILLed while it is sending notifications, then restarted. Every notification must
 * reach each receiver, and once per idempotency key. The guarantee is at-least-once sending with a stable key
 * (the outbox row is marked sent after the channel accepted it); a delivery in flight at the kill is repeated
 * with the same key, which the receivers drop: exactly once as a receiver that honours the key sees it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createKafkaEventBus, type KafkaEventBus } from '@industrialmind/event-bus';
import { requireKafka, testKafkaBrokers } from '@industrialmind/event-bus/testing';
import {
  createPostgresTestStore,
  requirePostgres,
  type PostgresTestStore,
} from '@industrialmind/relational-store/testing';
import { uniqueName, waitFor } from '@industrialmind/testing';
import {
  anomaly,
  startHttpReceiver,
  startSmtpReceiver,
  type HttpReceiver,
  type SmtpReceiver,
} from '../src/testing';

const main = join(__dirname, '..', 'dist', 'main.js');
const MACHINES = 40;

class AlertsProcess {
  private child: ChildProcess | undefined;
  log = '';
  constructor(private readonly env: Record<string, string>) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, [main], {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const append = (d: Buffer) => (this.log = (this.log + d.toString()).slice(-20_000));
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    await waitFor(() => this.log.includes('"service started"') || child.exitCode !== null, {
      timeoutMs: 60_000,
      description: 'alerts to start',
    }).catch((err) => {
      throw new Error(`${String(err)}; log: ${this.log.slice(-4000)}`);
    });
    if (child.exitCode !== null)
      throw new Error(`alerts exited with ${child.exitCode}; log: ${this.log.slice(-4000)}`);
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }
}

describe('alerts process crash while notifying', () => {
  let db: PostgresTestStore;
  let bus: KafkaEventBus;
  let webhook: HttpReceiver;
  let smtp: SmtpReceiver;
  const topic = uniqueName('crash-anomaly');
  const alertsTopic = uniqueName('crash-alerts');
  const predictionsTopic = uniqueName('crash-rul');

  beforeAll(async () => {
    await requireKafka();
    await requirePostgres();
    db = await createPostgresTestStore({ prefix: 'alerts-crash' });
    bus = createKafkaEventBus({ brokers: testKafkaBrokers(), clientId: 'crash-test' });
    await bus.connect();
    // Slow receivers: one delivery takes about 60 ms, so the kill lands while notifications are being sent.
    webhook = await startHttpReceiver({ delayMs: 60 });
    smtp = await startSmtpReceiver({ delayMs: 60 });
  });

  afterAll(async () => {
    await bus.deleteTopics([topic, alertsTopic, predictionsTopic]).catch(() => undefined);
    await bus.close();
    await webhook.close();
    await smtp.close();
    await db.store.close();
    await db.drop();
  });

  it('delivers every notification to both receivers once per key after a SIGKILL mid-sending', async () => {
    const env = {
      PROFILE: 'full',
      LOG_LEVEL: 'info',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      DATABASE_URL: db.url,
      DATABASE_SCHEMA: db.schema,
      ALERTS_GROUP_ID: uniqueName('crash-group'),
      ALERTS_ANOMALY_TOPIC: topic,
      ALERTS_PREDICTIONS_TOPIC: predictionsTopic,
      ALERTS_TOPIC: alertsTopic,
      ALERTS_TOPIC_PARTITIONS: '4',
      ALERTS_REMINDER_INTERVAL_MS: '0',
      NOTIFY_WEBHOOK_URL: webhook.url,
      NOTIFY_SMTP_URL: smtp.url,
      NOTIFY_EMAIL_TO: 'ops@example.test',
      NOTIFY_RATE_PER_MINUTE: '100000',
      NOTIFY_POLL_MS: '50',
      NOTIFY_LEASE_MS: '2000',
    };
    const first = new AlertsProcess(env);
    await first.start();
    const machines = Array.from({ length: MACHINES }, (_, i) => uniqueName(`crash-m${i}`));
    await bus.publish(
      topic,
      machines.flatMap((m) => [anomaly(m, 0), anomaly(m, 1)]),
    );
    await waitFor(() => webhook.received.length + smtp.received.length >= 20, {
      timeoutMs: 60_000,
      description: 'notifications under way',
    });
    await first.kill('SIGKILL');
    const beforeRestart = webhook.received.length + smtp.received.length;
    expect(beforeRestart).toBeLessThan(2 * MACHINES);

    const second = new AlertsProcess(env);
    await second.start();
    try {
      const alerts = await waitFor(
        async () => {
          const list = await db.store.listAlerts({ limit: 1000 });
          return list.length === MACHINES ? list : null;
        },
        { timeoutMs: 60_000, description: 'every alert stored' },
      );
      const expectedWebhook = new Set(alerts.map((a) => `${a.id}:opened:webhook`));
      const expectedEmail = new Set(alerts.map((a) => `${a.id}:opened:email`));
      await waitFor(() => webhook.uniqueKeys().size === MACHINES && smtp.uniqueKeys().size === MACHINES, {
        timeoutMs: 60_000,
        description: 'every notification delivered',
      });
      await waitFor(
        async () => (await db.store.listNotifications({ status: 'sent' })).length === 2 * MACHINES,
        {
          timeoutMs: 30_000,
          description: 'every outbox row marked sent',
        },
      );
      expect(webhook.uniqueKeys()).toEqual(expectedWebhook);
      expect(smtp.uniqueKeys()).toEqual(expectedEmail);
      // At most the delivery in flight per channel at the kill is repeated (same key, dropped by the receiver).
      expect(webhook.received.length - MACHINES).toBeLessThanOrEqual(1);
      expect(smtp.received.length - MACHINES).toBeLessThanOrEqual(1);
      for (const a of alerts) expect(a.eventCount).toBe(2);
    } finally {
      await second.kill('SIGTERM');
    }
  });
});
