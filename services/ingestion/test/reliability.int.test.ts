/**
 * The data path's reliability test, against a real Kafka broker and a real InfluxDB: 200,000 readings are
 * replayed while the ingestion process is SIGKILLed at three random moments (and restarted) and InfluxDB is
 * stopped for 20 s. Afterwards InfluxDB must hold exactly one point per reading produced: none lost, none
 * doubled. Then 1,000 malformed messages must all land in the DLQ with a reason while the service keeps running.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { encodeSensorReading, packSensorReadings, type SensorReading } from '@industrialmind/contracts';
import {
  createKafkaEventBus,
  dlqTopicOf,
  parseDeadLetter,
  type KafkaEventBus,
} from '@industrialmind/event-bus';
import { sleep, uniqueName, waitFor } from '@industrialmind/testing';
import { createInfluxTimeSeriesStore, type TimeSeriesStore } from '@industrialmind/timeseries-store';
import { createInfluxTestDatabase, type InfluxTestDatabase } from '@industrialmind/timeseries-store/testing';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const influxUrl = process.env.INFLUX_URL ?? 'http://127.0.0.1:8086';
const repo = join(__dirname, '..', '..', '..');
const influxScript = join(repo, 'infrastructure', 'local', 'influxdb.sh');
const main = join(__dirname, '..', 'dist', 'main.js');

const MACHINES = 400;
const PER_MACHINE = 500;
const TOTAL = MACHINES * PER_MACHINE;
const T0 = Date.UTC(2025, 0, 1) + Math.floor(Math.random() * 1_000) * 86_400_000;
const TYPES = ['cnc-mill', 'centrifugal-pump', 'compressor', 'conveyor-motor'] as const;

function reading(machine: number, seq: number): SensorReading {
  return {
    schema_version: '1.0',
    reading_id: `rel-${machine}-${seq}`,
    timestamp: new Date(T0 + seq * 1000 + machine).toISOString(),
    machine_id: `rel-m${String(machine).padStart(4, '0')}`,
    machine_type: TYPES[machine % TYPES.length]!,
    readings: {
      temperature: 60 + (seq % 17),
      vibration: 2 + (seq % 5) / 10,
      pressure: 5,
      power: 10 + (machine % 7),
    },
    metadata: { location: `line-${machine % 8}` },
  };
}

class Ingestion {
  private child: ChildProcess | undefined;
  log = '';
  constructor(private readonly env: Record<string, string>) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, [main], {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      this.log = (this.log + d.toString()).slice(-20_000);
    });
    child.stderr!.on('data', (d: Buffer) => (this.log = (this.log + d.toString()).slice(-20_000)));
    try {
      await waitFor(() => out.includes('readings consumer started') || child.exitCode !== null, {
        timeoutMs: 60_000,
        description: 'ingestion to start',
      });
    } catch (err) {
      throw new Error(`${String(err)}; log: ${this.log.slice(-4000)}`);
    }
    if (child.exitCode !== null)
      throw new Error(`ingestion exited with ${child.exitCode}; log: ${this.log.slice(-4000)}`);
  }

  get isRunning(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends the signal and resolves with the exit code (null when killed by the signal). */
  async kill(signal: NodeJS.Signals): Promise<number | null> {
    const child = this.child;
    if (!child || !this.isRunning) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    return exited;
  }
}

describe('ingestion reliability on real Kafka and InfluxDB', () => {
  let bus: KafkaEventBus;
  let db: InfluxTestDatabase;
  let store: TimeSeriesStore;
  let ingestion: Ingestion;
  const topic = uniqueName('reliability-readings');
  const groupId = uniqueName('reliability-ingestion');

  beforeAll(async () => {
    bus = createKafkaEventBus({ brokers, clientId: 'reliability-test' });
    await bus.connect();
    await bus.ensureTopics([{ topic, partitions: 12 }]);
    db = await createInfluxTestDatabase(influxUrl, { prefix: 'reliability' });
    store = createInfluxTimeSeriesStore({ url: influxUrl, bucket: db.bucket });
    ingestion = new Ingestion({
      PROFILE: 'full',
      LOG_LEVEL: 'info',
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      INFLUX_URL: influxUrl,
      INFLUX_BUCKET: db.bucket,
      INFLUX_TIMEOUT_MS: '5000',
      INGESTION_TOPIC: topic,
      INGESTION_GROUP_ID: groupId,
      SHUTDOWN_GRACE_MS: '10000',
    });
  });

  afterAll(async () => {
    await ingestion?.kill('SIGTERM');
    // Whatever happened, leave InfluxDB running for the next suite.
    execFileSync(influxScript, ['start'], { stdio: 'ignore' });
    await store?.close();
    await db?.drop().catch(() => {});
    // 200,000 readings and 143 MB of oversized messages: do not leave them on the broker.
    await bus?.deleteTopics([topic]).catch(() => {});
    await bus?.close();
  });

  it('loses and doubles nothing across 3 SIGKILLs and a 20 s InfluxDB outage, then dead-letters 1,000 malformed messages', async () => {
    await ingestion.start();
    const chunk = 2_000;
    const chunks = TOTAL / chunk;
    // Three kills at random moments of the replay, and the outage in the middle.
    const killAt = new Set<number>();
    while (killAt.size < 3) killAt.add(5 + Math.floor(Math.random() * (chunks - 10)));
    const outageAt = Math.floor(chunks / 2);
    let outage: Promise<void> | undefined;
    const events: string[] = [];

    for (let c = 0; c < chunks; c++) {
      const readings = [];
      for (let i = 0; i < chunk; i++) {
        const n = c * chunk + i;
        readings.push(reading(n % MACHINES, Math.floor(n / MACHINES)));
      }
      // Every other chunk one reading per message (1.0), the others row-form batches (1.2) as the simulator sends.
      const batch =
        c % 2 === 0
          ? readings.map((r) => ({ key: r.machine_id, value: encodeSensorReading(r) }))
          : packSensorReadings(readings, { maxReadingsPerMessage: 50 }).map((m) => ({
              key: m.key,
              value: m.value,
            }));
      await bus.publish(topic, batch);
      if (killAt.has(c)) {
        await ingestion.kill('SIGKILL');
        events.push(`SIGKILL after chunk ${c}`);
        await ingestion.start();
      }
      if (c === outageAt) {
        outage = (async () => {
          execFileSync(influxScript, ['stop'], { stdio: 'ignore' });
          events.push(`influxdb stopped after chunk ${c}`);
          await sleep(20_000);
          execFileSync(influxScript, ['start'], { stdio: 'ignore' });
          events.push('influxdb started again');
        })();
      }
      await sleep(100);
    }
    await outage;
    expect(events.filter((e) => e.startsWith('SIGKILL'))).toHaveLength(3);

    await waitFor(async () => (await bus.consumerLag(groupId, [topic])).every((p) => p.lag === 0), {
      timeoutMs: 180_000,
      intervalMs: 1_000,
      description: `ingestion to catch up; log: ${ingestion.log.slice(-3000)}`,
    });
    const counted = await store.countPoints({ fromMs: T0, toMs: T0 + PER_MACHINE * 1000 + MACHINES });
    expect(counted).toBe(TOTAL);

    // 1,000 malformed messages of seven kinds, then one valid reading behind them.
    const good = reading(0, 0);
    const goodJson = JSON.parse(encodeSensorReading(good).toString()) as Record<string, unknown>;
    const kinds: Array<(i: number) => string | Buffer> = [
      (i) => JSON.stringify({ ...goodJson, reading_id: `bad-${i}`, readings: { temperature: 'hot' } }),
      (i) => JSON.stringify({ ...goodJson, reading_id: `bad-${i}`, machine_id: undefined }),
      () => 'this is not JSON {',
      (i) => JSON.stringify({ ...goodJson, reading_id: `bad-${i}`, schema_version: '7.0' }),
      (i) =>
        JSON.stringify({ ...goodJson, reading_id: `bad-${i}`, metadata: { blob: 'x'.repeat(1024 * 1024) } }),
      (i) => JSON.stringify({ ...goodJson, reading_id: `bad-${i}`, readings: { temprature: 50 } }),
      (i) =>
        `{"schema_version":"1.0","reading_id":"bad-${i}","timestamp":"${good.timestamp}","machine_id":"m","machine_type":"cnc-mill","readings":{"temperature":NaN}}`,
    ];
    const malformed = Array.from({ length: 1_000 }, (_, i) => ({
      key: `bad-${i % 10}`,
      value: kinds[i % kinds.length]!(i),
    }));
    for (let i = 0; i < malformed.length; i += 50) await bus.publish(topic, malformed.slice(i, i + 50));
    const late = reading(MACHINES, 0);
    await bus.publish(topic, [{ key: late.machine_id, value: encodeSensorReading(late) }]);

    const reasons: string[] = [];
    const dlq = await bus.subscribe(
      { topics: [dlqTopicOf(topic)], groupId: uniqueName('dlq-reader') },
      async (batch) => {
        for (const m of batch) reasons.push(parseDeadLetter(m)?.reason ?? '');
      },
    );
    await waitFor(() => reasons.length >= 1_000, {
      timeoutMs: 120_000,
      intervalMs: 500,
      description: `1,000 dead letters (have ${reasons.length})`,
    });
    await dlq.stop();
    expect(reasons).toHaveLength(1_000);
    expect(reasons.every((r) => r.length > 0)).toBe(true);
    // Each kind's reason, counted: kinds 0-5 are 143 messages each, kind 6 (NaN) 142.
    const countOf = (needle: string) => reasons.filter((r) => r.includes(needle)).length;
    expect({
      wrongType: countOf('readings.temperature: expected a number'),
      missingField: countOf('machine_id: is required'),
      notJson: countOf('is not valid JSON'),
      unknownVersion: countOf('major version 7'),
      oversized: countOf('over the limit of'),
      unknownChannel: countOf('channel "temprature" is not declared'),
      nan: countOf(':NaN}'),
    }).toEqual({
      wrongType: 143,
      missingField: 143,
      notJson: 143 + 142,
      unknownVersion: 143,
      oversized: 143,
      unknownChannel: 143,
      nan: 142,
    });
    await waitFor(
      async () =>
        (await store.countPoints({ fromMs: T0, toMs: T0 + PER_MACHINE * 1000 + MACHINES + 1 })) === TOTAL + 1,
      {
        timeoutMs: 60_000,
        intervalMs: 500,
        description: 'the valid reading behind the malformed ones',
      },
    );
    expect(ingestion.isRunning).toBe(true);
  }, 600_000);

  it('shuts down on SIGTERM in order (consumer, HTTP, bus, store) and exits 0', async () => {
    expect(ingestion.isRunning).toBe(true);
    const code = await ingestion.kill('SIGTERM');
    expect(code).toBe(0);
    const closed = [...ingestion.log.matchAll(/"resource":"([a-z-]+)"[^\n]*"msg":"resource closed"/g)].map(
      (m) => m[1],
    );
    expect(closed).toEqual([
      'readings-consumer',
      'http-server',
      'event-bus',
      'timeseries-store',
      'telemetry',
    ]);
  }, 60_000);
});
