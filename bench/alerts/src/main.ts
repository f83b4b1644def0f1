/**
 * bench/alerts: anomaly-detected events/s through Kafka and the alerts service (consumer, rules, one deduplicated
 * alert per machine and cause in PostgreSQL), against PostgreSQL's own ceiling for storing the same events
 * idempotently (plain multi-row INSERT ... ON CONFLICT DO NOTHING) in the same run; and the delay from publishing
 * the event that opens an alert to its webhook notification arriving at a receiver on 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { createService, createWebhookSender } from '@industrialmind/alerts';
import { createKafkaEventBus, type KafkaEventBus } from '@industrialmind/event-bus';
import { createLogger } from '@industrialmind/logger';
import { createPostgresTestStore, type PostgresTestStore } from '@industrialmind/relational-store/testing';
import { uniqueName, waitFor } from '@industrialmind/testing';
import { Client } from 'pg';
import { DEFAULT_BROKERS, DEFAULT_DATABASE_URL, INHERITED_ENV } from './config';
import { makeWorkload, median, quantile, type Workload } from './workload';

const HELP = `Usage: industrialmind bench alerts [options]

Measures anomaly-detected events/s -> Kafka -> alerts service -> deduplicated alerts in PostgreSQL (every event
counted once), against PostgreSQL's own idempotent insert of the same events, in one run; then the p50/p99 delay
from an event to its webhook notification.

Options:
  --events N          events per round (default 100000)
  --machines N        machines they come from, i.e. alerts opened (default 200)
  --rounds N          rounds (default 3)
  --partitions N      partitions of the benchmark topic (default 6)
  --notify N          alerts opened one by one for the notification delay (default 200)
  --brokers LIST      Kafka (default $KAFKA_BROKERS or 127.0.0.1:9092)
  --database-url URL  PostgreSQL (default $DATABASE_URL or the one infrastructure/local/postgres.sh runs)
  --json FILE         also write the results as JSON
  -h, --help          this text

Example:
  make up && bin/industrialmind bench alerts --events 100000 --rounds 3
`;

class UsageError extends Error {}
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const logger = createLogger({ service: 'bench-alerts', version: '0.1.0', profile: 'full', level: 'warn' });

const settings = (groupId: string, topics: { anomaly: string; predictions: string; alerts: string }) => ({
  groupId,
  topics,
  topicPartitions: 6,
  maxBatchSize: 1000,
  partitionsConcurrently: 4,
  rulesTtlMs: 5000,
  rulHorizon: 50,
  reminderIntervalMs: 0,
  reminderPollMs: 10_000,
  dispatcher: {
    ratePerMinute: {},
    pollMs: 100,
    leaseMs: 30_000,
    maxAttempts: 5,
    initialBackoffMs: 1000,
    maxBackoffMs: 30_000,
    batchSize: 50,
  },
});

async function baselineRun(url: string, w: Workload): Promise<number> {
  const db = await createPostgresTestStore({ url, prefix: 'bench-alerts-base' });
  await db.store.close();
  const clients = await Promise.all(
    Array.from({ length: 4 }, async () => {
      const c = new Client({ connectionString: url, options: `-c search_path="${db.schema}"` });
      await c.connect();
      return c;
    }),
  );
  try {
    const batches: Workload['rows'][] = [];
    for (let i = 0; i < w.rows.length; i += 1000) batches.push(w.rows.slice(i, i + 1000));
    let next = 0;
    const started = performance.now();
    await Promise.all(
      clients.map(async (c) => {
        while (next < batches.length) {
          const batch = batches[next++]!;
          const params: unknown[] = [];
          const values = batch.map((r) => {
            params.push(r.signalKey, r.machineId, r.eventId, r.readingId, r.score, r.at);
            const n = params.length;
            return `($${n - 5}, $${n - 4}, 'anomaly', $${n - 3}, $${n - 2}, $${n - 1}, $${n}::timestamptz)`;
          });
          await c.query(
            `INSERT INTO anomaly_events (signal_key, machine_id, cause_key, source_event_id, reading_id, score, occurred_at)
             VALUES ${values.join(', ')} ON CONFLICT (signal_key) DO NOTHING`,
            params,
          );
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const { rows } = await clients[0]!.query('SELECT count(*)::int AS n FROM anomaly_events');
    if (rows[0].n !== w.rows.length) throw new Error(`baseline stored ${rows[0].n} of ${w.rows.length} rows`);
    return w.rows.length / seconds;
  } finally {
    await Promise.all(clients.map((c) => c.end()));
    await db.drop();
  }
}

async function publishAll(bus: KafkaEventBus, topic: string, w: Workload): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < w.messages.length) {
        const from = next;
        next += 5000;
        await bus.publish(topic, w.messages.slice(from, from + 5000));
      }
    }),
  );
}

async function startAlerts(env: Record<string, string>): Promise<ChildProcess> {
  const main = require.resolve('@industrialmind/alerts/main');
  const child = spawn(process.execPath, ['--max-semi-space-size=64', main], {
    env: { ...INHERITED_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-50_000)));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-50_000)));
  await waitFor(() => out.includes('"service started"') || child.exitCode !== null, {
    timeoutMs: 60_000,
    description: 'alerts to start',
  });
  if (child.exitCode !== null) throw new Error(`alerts exited: ${out.slice(-2000)}`);
  return child;
}

async function serviceRun(
  brokers: string[],
  url: string,
  w: Workload,
  partitions: number,
  mode: 'live' | 'drain',
): Promise<number> {
  const db = await createPostgresTestStore({ url, prefix: 'bench-alerts', poolMax: 1 });
  const topics = {
    anomaly: uniqueName('bench-anomaly'),
    predictions: uniqueName('bench-rul'),
    alerts: uniqueName('bench-alerts'),
  };
  const producer = createKafkaEventBus({
    brokers,
    clientId: 'bench-alerts-producer',
    maxMessagesPerRequest: 5000,
    compression: 'none',
  });
  await producer.connect();
  await producer.ensureTopics([{ topic: topics.anomaly, partitions }]);
  if (mode === 'drain') await publishAll(producer, topics.anomaly, w);
  // The service in its own process (full profile, as deployed), so the producer does not share its event loop.
  const service = await startAlerts({
    PROFILE: 'full',
    LOG_LEVEL: 'info',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_COMPRESSION: 'none',
    DATABASE_URL: url,
    DATABASE_SCHEMA: db.schema,
    DATABASE_POOL_MAX: '8',
    ALERTS_GROUP_ID: uniqueName('bench-alerts'),
    ALERTS_ANOMALY_TOPIC: topics.anomaly,
    ALERTS_PREDICTIONS_TOPIC: topics.predictions,
    ALERTS_TOPIC: topics.alerts,
    ALERTS_TOPIC_PARTITIONS: String(partitions),
    ALERTS_REMINDER_INTERVAL_MS: '0',
  });
  const counter = new Client({ connectionString: url, options: `-c search_path="${db.schema}"` });
  await counter.connect();
  try {
    // Timed from the moment the consumer holds its partitions (the group join is not throughput).
    const started = performance.now();
    const publishing = mode === 'live' ? publishAll(producer, topics.anomaly, w) : Promise.resolve();
    await waitFor(
      async () => {
        const { rows } = await counter.query(
          'SELECT coalesce(sum(event_count), 0)::int AS n, count(*)::int AS alerts FROM alerts',
        );
        return rows[0].n >= w.messages.length;
      },
      { timeoutMs: 600_000, intervalMs: 100, description: `${w.messages.length} events counted` },
    );
    let seconds = (performance.now() - started) / 1000;
    await publishing;
    if (mode === 'drain') {
      // The service consumed while it was still starting: time the drain by the database's own clock, from the
      // first stored event's transaction to the last one's.
      const { rows: window } = await counter.query(
        'SELECT extract(epoch FROM max(received_at) - min(received_at))::float8 AS s FROM anomaly_events',
      );
      seconds = Math.max(window[0].s, 0.001);
    }
    const { rows } = await counter.query(
      'SELECT count(*)::int AS alerts, sum(event_count)::int AS n FROM alerts',
    );
    if (rows[0].alerts !== w.machines.length || rows[0].n !== w.messages.length)
      throw new Error(
        `expected ${w.machines.length} alerts with ${w.messages.length} events, got ${JSON.stringify(rows[0])}`,
      );
    return w.messages.length / seconds;
  } finally {
    service.kill('SIGTERM');
    await new Promise((r) => service.once('exit', r));
    await counter.end();
    await producer.deleteTopics(Object.values(topics)).catch(() => undefined);
    await producer.close();
    await db.store.close();
    await db.drop();
  }
}

async function notificationDelays(brokers: string[], url: string, count: number): Promise<number[]> {
  const arrivals = new Map<string, number>();
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { alert: { machine_id: string } };
      if (!arrivals.has(body.alert.machine_id)) arrivals.set(body.alert.machine_id, at);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const db: PostgresTestStore = await createPostgresTestStore({ url, prefix: 'bench-alerts-notify' });
  const topics = {
    anomaly: uniqueName('bench-anomaly'),
    predictions: uniqueName('bench-rul'),
    alerts: uniqueName('bench-alerts'),
  };
  const bus = createKafkaEventBus({ brokers, clientId: 'bench-alerts-notify' });
  const sut = createService({
    settings: settings(uniqueName('bench-notify'), topics),
    logger,
    ports: { bus, store: db.store },
    senders: { webhook: createWebhookSender({ url: hook }) },
  });
  try {
    await sut.start();
    const w = makeWorkload(count, count, Date.UTC(2026, 0, 1), uniqueName('n'));
    const published = new Map<string, number>();
    for (const m of w.messages) {
      published.set(m.key!, Date.now());
      await bus.publish(topics.anomaly, [m]);
      await new Promise((r) => setTimeout(r, 20));
    }
    await waitFor(() => arrivals.size >= count, { timeoutMs: 120_000, description: 'every notification' });
    return w.machines.map((m) => arrivals.get(m)! - published.get(m)!);
  } finally {
    await sut.stop();
    await bus.deleteTopics(Object.values(topics)).catch(() => undefined);
    await bus.close();
    await db.store.close();
    await db.drop();
    receiver.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '100000' },
      machines: { type: 'string', default: '200' },
      rounds: { type: 'string', default: '3' },
      partitions: { type: 'string', default: '6' },
      notify: { type: 'string', default: '200' },
      brokers: { type: 'string', default: DEFAULT_BROKERS },
      'database-url': { type: 'string', default: DEFAULT_DATABASE_URL },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void process.stdout.write(HELP);
  const int = (name: string, v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0)
      throw new UsageError(`--${name} must be a positive integer, got "${v}"`);
    return n;
  };
  const events = int('events', values.events);
  const machines = int('machines', values.machines);
  const rounds = int('rounds', values.rounds);
  const partitions = int('partitions', values.partitions);
  const notify = int('notify', values.notify);
  const brokers = values.brokers.split(',');
  const url = values['database-url'];

  const results: Array<{ baseline: number; live: number; drain: number }> = [];
  for (let r = 1; r <= rounds; r++) {
    const w = makeWorkload(events, machines, Date.UTC(2026, 0, 1), uniqueName(`b${r}`));
    const baseline = await baselineRun(url, w);
    const live = await serviceRun(brokers, url, w, partitions, 'live');
    const drain = await serviceRun(brokers, url, w, partitions, 'drain');
    results.push({ baseline, live, drain });
    process.stderr.write(
      `round ${r}: PostgreSQL idempotent insert ${fmt(baseline)} events/s; alerts end to end ${fmt(live)} events/s; draining a filled topic ${fmt(drain)} events/s\n`,
    );
  }
  const delays = await notificationDelays(brokers, url, notify);
  const summary = {
    bench: 'alerts',
    date: new Date().toISOString(),
    settings: { events, machines, rounds, partitions, notify, brokers },
    baseline: median(results.map((x) => x.baseline)),
    live: median(results.map((x) => x.live)),
    drain: median(results.map((x) => x.drain)),
    notificationDelayMs: {
      p50: quantile(delays, 0.5),
      p99: quantile(delays, 0.99),
      max: Math.max(...delays),
    },
    rounds: results,
  };
  process.stdout.write(
    [
      '',
      `| measure (median of ${rounds}) | events/s |`,
      '|---|---|',
      `| baseline: PostgreSQL INSERT ... ON CONFLICT DO NOTHING of the same events, 1,000-row statements, 4 connections | ${fmt(summary.baseline)} |`,
      `| end to end: producer -> Kafka -> alerts -> ${machines} deduplicated alerts, every event counted | ${fmt(summary.live)} |`,
      `| ratio end-to-end / baseline | ${(summary.live / summary.baseline).toFixed(3)} |`,
      `| alerts alone: draining a topic filled beforehand | ${fmt(summary.drain)} |`,
      `| ratio drain / baseline | ${(summary.drain / summary.baseline).toFixed(3)} |`,
      '',
      `notification delay (event published -> webhook received, ${notify} alerts, outbox poll 100 ms): p50 ${summary.notificationDelayMs.p50} ms, p99 ${summary.notificationDelayMs.p99} ms, max ${summary.notificationDelayMs.max} ms`,
      '',
    ].join('\n'),
  );
  if (values.json) {
    mkdirSync(dirname(values.json), { recursive: true });
    writeFileSync(values.json, `${JSON.stringify(summary, null, 2)}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench alerts: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof UsageError ? 2 : 1);
});
