/**
 * End to end against a real Kafka broker: one C-MAPSS engine (FD001, from the committed model's validation
 * split, so the model never trained on it) is replayed through the same parser `simulator replay` uses onto a
 * fresh sensor-readings topic; rul-api, with the committed models, must publish valid maintenance-predictions for
 * it, keyed by machine id, at its cadence, and see the engine wear out (the last forecast, near failure, below
 * the first, and urgent). Without the data set (a clone outside the workplace) a synthetic engine built from the
 * model's own normalisation checks the plumbing only.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  encodeSensorReading,
  parseMaintenancePrediction,
  type MaintenancePrediction,
  type SensorReading,
} from '@industrialmind/contracts';
import { createKafkaEventBus, type KafkaEventBus, type Subscription } from '@industrialmind/event-bus';
import { requireKafka, testKafkaBrokers } from '@industrialmind/event-bus/testing';
import { createCapturedLogger } from '@industrialmind/logger/testing';
import { parseCmapss, toReplayRecord } from '@industrialmind/simulation';
import { uniqueName, waitFor } from '@industrialmind/testing';
import request from 'supertest';
import { DEFAULT_MODELS_DIR } from '../src/config';
import { createService, type RulService } from '../src/service';

const repo = join(__dirname, '..', '..', '..');
const PUBLISH_EVERY = 10;
const MIN_READINGS = 15;

function datasetDir(): string | undefined {
  const candidates = [
    process.env.SHARED_DATASETS_DIR,
    join(repo, '..', 'shared', 'datasets'),
    join(repo, '..', '..', 'shared', 'datasets'),
    '/work/shared/datasets',
  ];
  return candidates.find((d) => d && existsSync(join(d, 'cmapss', 'train_FD001.txt')));
}

interface ModelMeta {
  name: string;
  model_version: string;
  history?: { start_readings: number };
  window: number;
  normalisation: { condition_centroids: number[][]; mean: number[][]; sensor_channels: string[] };
  channels: string[];
  training: { split: { validation: number[] } };
}

async function engineReadings(meta: ModelMeta): Promise<{ readings: SensorReading[]; real: boolean }> {
  const dir = datasetDir();
  if (dir) {
    const unit = meta.training.split.validation[0]!;
    const machineId = `cmapss-fd001-train-${String(unit).padStart(3, '0')}`;
    const readings: SensorReading[] = [];
    const rows = parseCmapss(createReadStream(join(dir, 'cmapss', 'train_FD001.txt')), {
      fileId: 'fd001-train',
      startMs: Date.UTC(2025, 0, 1),
      cycleMs: 60_000,
      rul: 'run-to-failure',
    });
    for await (const row of rows) {
      if (row.machineId === machineId) readings.push(toReplayRecord(row, { idTag: 'e2e' }).reading);
    }
    return { readings, real: true };
  }
  const base: Record<string, number> = {};
  meta.channels.forEach((c) => (base[c] = 0));
  meta.normalisation.condition_centroids[0]!.forEach((v, i) => (base[`setting_${i + 1}`] = v));
  meta.normalisation.sensor_channels.forEach((c, i) => (base[c] = meta.normalisation.mean[0]![i]!));
  const readings = Array.from({ length: 120 }, (_, i) => ({
    schema_version: '1.0',
    reading_id: `cmapss-fd001-synthetic-001-r${i}`,
    timestamp: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
    machine_id: 'cmapss-fd001-synthetic-001',
    machine_type: 'cmapss-turbofan',
    readings: { ...base, s_1: 518.67 },
    metadata: {},
  }));
  return { readings, real: false };
}

jest.setTimeout(180_000);

describe('rul-api end to end (Kafka)', () => {
  const brokers = testKafkaBrokers();
  const inputTopic = uniqueName('rul-e2e-readings');
  const outputTopic = uniqueName('rul-e2e-predictions');
  let bus: KafkaEventBus;
  let reader: KafkaEventBus;
  let sut: RulService;
  let subscription: Subscription | undefined;
  const captured = createCapturedLogger({ level: 'info' });
  const { logger } = captured;

  beforeAll(async () => {
    await requireKafka(brokers);
    bus = createKafkaEventBus({ brokers, clientId: 'rul-e2e' });
    reader = createKafkaEventBus({ brokers, clientId: 'rul-e2e-reader' });
    sut = createService({
      settings: {
        inputTopic,
        outputTopic,
        groupId: uniqueName('rul-e2e'),
        topicPartitions: 3,
        publishEvery: PUBLISH_EVERY,
        minReadings: MIN_READINGS,
        maxMachines: 1000,
      },
      models: { dir: DEFAULT_MODELS_DIR, pollMs: 0 },
      logger,
      ports: { bus },
    });
    await sut.start();
  });

  afterAll(async () => {
    await subscription?.stop();
    await sut?.stop();
    await bus?.deleteTopics([inputTopic, outputTopic]).catch(() => undefined);
    await bus?.close();
    await reader?.close();
  });

  it('turns a replayed C-MAPSS engine into maintenance-predictions', async () => {
    const meta = JSON.parse(
      readFileSync(join(DEFAULT_MODELS_DIR, 'rul-cmapss-fd001.json'), 'utf8'),
    ) as ModelMeta;
    const { readings, real } = await engineReadings(meta);
    expect(readings.length).toBeGreaterThan(MIN_READINGS);
    const predictions: MaintenancePrediction[] = [];
    subscription = await reader.subscribe(
      { topics: [outputTopic], groupId: uniqueName('rul-e2e-reader'), fromBeginning: true },
      async (batch) => {
        for (const m of batch) {
          const parsed = parseMaintenancePrediction(m.value);
          if (!parsed.ok) throw new Error(`invalid prediction: ${parsed.reason}`);
          expect(m.key).toBe(parsed.value.machine_id);
          predictions.push(parsed.value);
        }
      },
    );
    const publish = (rs: SensorReading[]) =>
      bus.publish(
        inputTopic,
        rs.map((r) => ({ key: r.machine_id, value: encodeSensorReading(r) })),
      );
    // Due readings are the MIN_READINGS-th and every PUBLISH_EVERY-th after it (1-based counts).
    const dueAt = (n: number) =>
      MIN_READINGS + PUBLISH_EVERY * Math.floor((n - MIN_READINGS) / PUBLISH_EVERY);
    const waitForPrediction = async (readingId: string) => {
      try {
        await waitFor(() => predictions.some((p) => p.reading_id === readingId), { timeoutMs: 90_000 });
      } catch (err) {
        throw new Error(
          `${String(err)}; ${predictions.length} predictions; service log: ${JSON.stringify(captured.lines().slice(-5))}`,
        );
      }
    };
    // Two parts, so that the early (healthy) and the late (worn) state each get a forecast even when a part
    // arrives as one batch (a batch forecasts a machine once, at its latest due reading).
    const split = Math.max(MIN_READINGS, Math.floor(readings.length * 0.4));
    await publish(readings.slice(0, split));
    await waitForPrediction(readings[dueAt(split) - 1]!.reading_id);
    await publish(readings.slice(split));
    const lastDue = readings[dueAt(readings.length) - 1]!;
    await waitForPrediction(lastDue.reading_id);
    const first = predictions[0]!;
    const last = predictions[predictions.length - 1]!;
    expect(last.reading_id).toBe(lastDue.reading_id);
    for (const p of predictions) {
      expect(p).toMatchObject({
        machine_id: readings[0]!.machine_id,
        machine_type: 'cmapss-turbofan',
        rul_unit: 'cycles',
        model_version: meta.model_version,
      });
    }
    // The stream state (window, first readings, age) gives the forecast the engine's whole history gives.
    const given = await request(sut.app)
      .post('/forecast')
      .send({ model: meta.name, readings: readings.slice(0, dueAt(readings.length)).map((r) => r.readings) })
      .expect(200);
    expect(given.body.predicted_rul).toBe(last.predicted_rul);
    expect(given.body.confidence_interval).toEqual(last.confidence_interval);
    const followed = await request(sut.app)
      .post('/forecast')
      .send({ machine_id: readings[0]!.machine_id })
      .expect(200);
    if (meta.history) expect(followed.body.age_readings).toBe(readings.length);
    if (real) {
      // Run to failure: the engine fails PUBLISH_EVERY cycles or less after `lastDue`.
      expect(last.predicted_rul).toBeLessThan(first.predicted_rul);
      expect(last.predicted_rul).toBeLessThan(40);
      expect(['critical', 'high']).toContain(last.priority);
    }
  });
});
