/**
 * End to end against a real Kafka broker: a SKAB-format file (generated here) is replayed by the data path's
 * replayer onto sensor-readings; anomaly-api, with the committed default SKAB model, consumes it and publishes
 * anomaly-detected events, read back from Kafka. Start the broker with infrastructure/local/kafka.sh start.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAnomalyDetected, type AnomalyDetected } from '@industrialmind/contracts';
import { createKafkaEventBus, type EventBus, type Subscription } from '@industrialmind/event-bus';
import { requireKafka, testKafkaBrokers } from '@industrialmind/event-bus/testing';
import { createCapturedLogger } from '@industrialmind/logger/testing';
import { replay } from '@industrialmind/simulation/runtime';
import { uniqueName, waitFor } from '@industrialmind/testing';
import request from 'supertest';
import { createService, type AnomalyService } from '../src/service';

const MODEL_DIR = join(__dirname, '..', '..', '..', 'models', 'anomaly');
const ROWS = 750;
const FAULT = { from: 560, to: 680 };

/** A SKAB-like experiment: steady pump, then the inlet valve closes (flow drops ~5 l/min) and reopens. */
function writeSkabFile(path: string): void {
  let seed = 7;
  const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 2;
  const lines = [
    'datetime;Accelerometer1RMS;Accelerometer2RMS;Current;Pressure;Temperature;Thermocouple;Voltage;Volume Flow RateRMS;anomaly;changepoint',
  ];
  const t0 = Date.UTC(2020, 2, 9, 10, 0, 0);
  for (let i = 0; i < ROWS; i++) {
    const isFault = i >= FAULT.from && i < FAULT.to;
    const flow = Math.round(32 + noise() * 0.8 - (isFault ? 5 : 0));
    const time = new Date(t0 + i * 1000).toISOString().replace('T', ' ').slice(0, 19);
    const values = [
      0.027 + noise() * 0.001,
      0.04 + noise() * 0.001,
      1.33 + noise() * 0.03,
      0.05,
      79 + noise() * 0.2,
      26,
      233 + noise() * 2,
      flow,
    ];
    lines.push(`${time};${values.map((v) => v.toFixed(5)).join(';')};${isFault ? '1.0' : '0.0'};0.0`);
  }
  writeFileSync(path, `${lines.join('\r\n')}\r\n`);
}

describe('anomaly-api end to end (Kafka)', () => {
  const brokers = testKafkaBrokers();
  const input = uniqueName('e2e-readings');
  const output = uniqueName('e2e-anomalies');
  const truth = uniqueName('e2e-truth');
  let dir: string;
  let bus: EventBus;
  let reader: EventBus;
  let sut: AnomalyService;
  let sub: Subscription | undefined;
  const { logger } = createCapturedLogger();

  beforeAll(async () => {
    await requireKafka(brokers);
    dir = mkdtempSync(join(tmpdir(), 'anomaly-e2e-'));
    writeSkabFile(join(dir, '0.csv'));
    bus = createKafkaEventBus({ brokers, clientId: 'anomaly-e2e' });
    reader = createKafkaEventBus({ brokers, clientId: 'anomaly-e2e-reader' });
    sut = createService({
      settings: {
        modelDir: MODEL_DIR,
        modelPollMs: 0,
        inputTopic: input,
        outputTopic: output,
        groupId: uniqueName('anomaly-api'),
        topicPartitions: 3,
        maxBatch: 512,
        consumerBatch: 2000,
        continuingEvery: 10,
        partitionsConcurrently: 1,
      },
      logger,
      ports: { bus },
    });
    await sut.start();
  });

  afterAll(async () => {
    await sub?.stop();
    await sut?.stop();
    await bus?.deleteTopics([input, output, truth]).catch(() => undefined);
    await bus?.close();
    await reader?.close();
    if (dir) rmSync(dir, { recursive: true });
  });

  it('turns replayed readings into anomaly-detected events on Kafka', async () => {
    const events: AnomalyDetected[] = [];
    await reader.connect();
    sub = await reader.subscribe(
      { topics: [output], groupId: uniqueName('e2e-reader'), fromBeginning: true },
      async (batch) => {
        for (const m of batch) {
          const parsed = parseAnomalyDetected(m.value);
          if (!parsed.ok) throw new Error(parsed.reason);
          events.push(parsed.value);
        }
      },
    );
    const summary = await replay(
      {
        dataset: 'skab',
        path: dir,
        speed: 'max',
        timestamps: 'keep',
        readingsTopic: input,
        groundTruthTopic: truth,
      },
      bus,
    );
    expect(summary.readingsPublished).toBe(ROWS);
    await waitFor(() => events.some((e) => e.state === 'ended'), {
      timeoutMs: 60_000,
      description: 'an ended event',
    });
    const started = events.filter((e) => e.state === 'started');
    expect(started).toHaveLength(1);
    const first = started[0]!;
    const row = (e: AnomalyDetected) => (Date.parse(e.timestamp) - Date.UTC(2020, 2, 9, 10, 0, 0)) / 1000;
    // Caught within seconds of the valve closing, and only then.
    expect(row(first)).toBeGreaterThanOrEqual(FAULT.from);
    expect(row(first)).toBeLessThan(FAULT.from + 30);
    expect(first.model_version).toMatch(/^skab@/);
    expect(first.feature_contributions.volume_flow_rate_rms).toBeGreaterThan(0);
    const ended = events.find((e) => e.state === 'ended')!;
    expect(ended.event_id).toBe(first.event_id);
    expect(row(ended)).toBeGreaterThanOrEqual(FAULT.to);
    const model = await request(sut.app).get('/model').expect(200);
    expect(model.body.models.map((m: { machine_type: string }) => m.machine_type)).toContain('skab');
  });
});
