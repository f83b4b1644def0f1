import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  encodeSensorReading,
  parseMaintenancePrediction,
  type MaintenancePrediction,
  type SensorReading,
} from '@industrialmind/contracts';
import { sampleSensorReading } from '@industrialmind/contracts/testing';
import {
  createMemoryEventBus,
  dlqTopicOf,
  parseDeadLetter,
  type IncomingMessage,
  type Subscription,
} from '@industrialmind/event-bus';
import { createCapturedLogger } from '@industrialmind/logger/testing';
import {
  FIXTURE_HISTORY_MODELS_DIR,
  FIXTURE_HISTORY_MODEL_NAME,
  FIXTURE_MODELS_DIR,
  FIXTURE_MODEL_NAME,
} from '@industrialmind/rul-forecasting/testing';
import { waitFor } from '@industrialmind/testing';
import { createEmbeddedTimeSeriesStore, type TimeSeriesStore } from '@industrialmind/timeseries-store';
import request from 'supertest';
import { createService, type RulService } from './service';

const T0 = Date.parse('2024-05-01T12:00:00.000Z');
const settings = {
  inputTopic: 'sensor-readings',
  outputTopic: 'maintenance-predictions',
  groupId: 'rul-api',
  topicPartitions: 3,
  publishEvery: 5,
  minReadings: 3,
  maxMachines: 100,
};

function reading(machine: string, seq: number, overrides: Partial<SensorReading> = {}): SensorReading {
  return sampleSensorReading({
    machine_id: machine,
    reading_id: `${machine}-r${seq}`,
    timestamp: new Date(T0 + seq * 1000).toISOString(),
    readings: { temperature: 60 + seq, vibration: 2 + seq / 10, pressure: 5.5, power: 12 },
    ...overrides,
  });
}

async function installFixture(dir: string, patch: Record<string, unknown> = {}): Promise<void> {
  const meta = JSON.parse(
    await readFile(join(FIXTURE_MODELS_DIR, `${FIXTURE_MODEL_NAME}.json`), 'utf8'),
  ) as Record<string, unknown>;
  await copyFile(
    join(FIXTURE_MODELS_DIR, `${FIXTURE_MODEL_NAME}.onnx`),
    join(dir, `${FIXTURE_MODEL_NAME}.onnx`),
  );
  await writeFile(join(dir, `${FIXTURE_MODEL_NAME}.json`), JSON.stringify({ ...meta, ...patch }));
}

describe('rul-api service', () => {
  let bus: ReturnType<typeof createMemoryEventBus>;
  let sut: RulService;
  let dir: string;
  let predictions: MaintenancePrediction[];
  let reader: Subscription;
  const captured = createCapturedLogger();

  const publish = (readings: SensorReading[]) =>
    bus.publish(
      settings.inputTopic,
      readings.map((r) => ({ key: r.machine_id, value: encodeSensorReading(r) })),
    );
  const drained = () =>
    waitFor(async () =>
      (await bus.consumerLag(settings.groupId, [settings.inputTopic])).every((p) => p.lag === 0),
    );

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rul-api-'));
    await installFixture(dir);
    bus = createMemoryEventBus();
    sut = createService({ settings, models: { dir, pollMs: 20 }, logger: captured.logger, ports: { bus } });
    await sut.start();
    predictions = [];
    reader = await bus.subscribe({ topics: [settings.outputTopic], groupId: 'reader' }, async (batch) => {
      for (const m of batch) {
        const parsed = parseMaintenancePrediction(m.value);
        if (!parsed.ok) throw new Error(parsed.reason);
        expect(m.key).toBe(parsed.value.machine_id);
        predictions.push(parsed.value);
      }
    });
  });
  afterEach(async () => {
    await reader.stop();
    await sut.stop();
    await bus.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('publishes a valid prediction per machine every publishEvery readings, once minReadings are seen', async () => {
    await publish([
      ...Array.from({ length: 12 }, (_, s) => reading('mill-1', s)),
      ...Array.from({ length: 4 }, (_, s) => reading('mill-2', s)),
    ]);
    await drained();
    await waitFor(() => predictions.length === 1);
    // Catching up on a backlog, a machine due twice in one fetched batch gets only its latest forecast.
    expect(predictions[0]!.reading_id).toBe('mill-1-r9');
    await publish(Array.from({ length: 5 }, (_, s) => reading('mill-1', 12 + s)));
    await drained();
    await publish(Array.from({ length: 5 }, (_, s) => reading('mill-1', 17 + s)));
    await drained();
    await waitFor(() => predictions.length === 3);
    expect(predictions.map((p) => [p.machine_id, p.reading_id])).toEqual([
      ['mill-1', 'mill-1-r9'],
      ['mill-1', 'mill-1-r14'],
      ['mill-1', 'mill-1-r19'],
    ]);
    const p = predictions[0]!;
    expect(p.rul_unit).toBe('hours');
    expect(p.model_version).toMatch(/^rul-fixture@/);
    expect(p.confidence_interval.level).toBe(0.9);
    expect(p.timestamp).toBe(new Date(T0 + 9000).toISOString());
    expect(sut.isReady()).toBe(true);
  });

  it('forecasts from given readings, and from a followed machine through POST /forecast {machine_id}', async () => {
    const rows = Array.from({ length: 7 }, (_, s) => reading('mill-9', s).readings);
    const given = await request(sut.app)
      .post('/forecast')
      .send({ machine_type: 'cnc-mill', machine_id: 'mill-9', readings: rows })
      .expect(200);
    expect(given.body).toMatchObject({ model: 'rul-fixture', rul_unit: 'hours', readings_used: 5 });
    await publish(Array.from({ length: 7 }, (_, s) => reading('mill-9', s)));
    await drained();
    const followed = await request(sut.app).post('/forecast').send({ machine_id: 'mill-9' }).expect(200);
    expect(followed.body.predicted_rul).toBe(given.body.predicted_rul);
    expect(followed.body.confidence_interval).toEqual(given.body.confidence_interval);
    const byName = await request(sut.app)
      .post('/forecast')
      .send({ model: 'rul-fixture', readings: rows.slice(0, 2) })
      .expect(200);
    expect(byName.body.readings_used).toBe(2);
  });

  it("feeds a model with history inputs the machine's first readings and age, from the stream or given readings", async () => {
    const name = FIXTURE_HISTORY_MODEL_NAME;
    const meta = JSON.parse(
      await readFile(join(FIXTURE_HISTORY_MODELS_DIR, `${name}.json`), 'utf8'),
    ) as object;
    await copyFile(join(FIXTURE_HISTORY_MODELS_DIR, `${name}.onnx`), join(dir, `${name}.onnx`));
    await writeFile(join(dir, `${name}.json`), JSON.stringify({ ...meta, machine_id_pattern: '^hmill-' }));
    await waitFor(async () => (await request(sut.app).get(`/model?name=${name}`)).status === 200);
    await publish(Array.from({ length: 10 }, (_, s) => reading('hmill-1', s)));
    await drained();
    await waitFor(() => predictions.some((p) => p.reading_id === 'hmill-1-r9'));
    const followed = await request(sut.app).post('/forecast').send({ machine_id: 'hmill-1' }).expect(200);
    expect(followed.body).toMatchObject({ model: name, readings_used: 5, age_readings: 10 });
    const rows = Array.from({ length: 10 }, (_, s) => reading('hmill-1', s).readings);
    const given = await request(sut.app).post('/forecast').send({ model: name, readings: rows }).expect(200);
    expect(given.body.predicted_rul).toBe(followed.body.predicted_rul);
    expect(given.body.confidence_interval).toEqual(followed.body.confidence_interval);
    const published = predictions.find((p) => p.reading_id === 'hmill-1-r9')!;
    expect(published.predicted_rul).toBe(followed.body.predicted_rul);
    // The same last 5 readings without the machine's first ones and age are another input: another forecast.
    const recentOnly = await request(sut.app)
      .post('/forecast')
      .send({ model: name, readings: rows.slice(-5) })
      .expect(200);
    expect(recentOnly.body.age_readings).toBe(5);
    expect(recentOnly.body.predicted_rul).not.toBe(followed.body.predicted_rul);
  });

  it.each([
    [{}, 'readings'],
    [{ readings: [{ temperature: 1 }] }, 'machine_type'],
    [{ machine_type: 'cnc-mill', readings: [] }, 'readings'],
    [{ machine_type: 'cnc-mill', readings: [{ temperature: 'hot' }] }, 'readings.0.temperature'],
    [{ machine_type: 'cnc-mill', readings: [{ temperature: 1, vibration: 2, pressure: 3 }] }, 'readings.0'],
    [{ machine_type: 'compressor', readings: [{ temperature: 1 }] }, 'machine_type'],
    [{ model: 'nope', readings: [{ temperature: 1 }] }, 'model'],
    [{ model: 'rul-fixture', machine_type: 'compressor', readings: [{ temperature: 1 }] }, 'model'],
    [{ machine_id: 'mill-1', colour: 'red' }, ''],
  ])('answers 400 naming the field for %j', async (body, field) => {
    const res = await request(sut.app).post('/forecast').send(body).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts/);
  });

  it('answers 404 for a machine it has not seen', async () => {
    const res = await request(sut.app).post('/forecast').send({ machine_id: 'mill-404' }).expect(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('lists the loaded models without trainer internals, and one by name', async () => {
    const all = await request(sut.app).get('/model').expect(200);
    expect(all.body.models).toHaveLength(1);
    expect(all.body.models[0]).toMatchObject({ name: 'rul-fixture', machine_type: 'cnc-mill', window: 5 });
    expect(all.body.models[0].torch_init).toBeUndefined();
    await request(sut.app).get('/model?name=rul-fixture').expect(200);
    await request(sut.app).get('/model?name=other').expect(404);
  });

  it('picks up a new model version without a restart', async () => {
    const before = (await request(sut.app).get('/model?name=rul-fixture')).body.model_version;
    await installFixture(dir, { model_version: 'rul-fixture@next' });
    await waitFor(
      async () => (await request(sut.app).get('/model?name=rul-fixture')).body.model_version !== before,
    );
    await publish(Array.from({ length: 5 }, (_, s) => reading('mill-3', s)));
    await waitFor(() => predictions.length === 1);
    expect(predictions[0]!.model_version).toBe('rul-fixture@next');
    // At least the first load and the new version (a scan between copying the .onnx and writing the .json loads
    // the old metadata once more).
    const metrics = (await request(sut.app).get('/metrics')).text;
    const loaded = Number(/rul_model_changes_total\{type="loaded"[^}]*\} (\d+)/.exec(metrics)?.[1]);
    expect(loaded).toBeGreaterThanOrEqual(2);
  });

  it('dead-letters invalid readings, skips machines without a model, and keeps going', async () => {
    await bus.publish(settings.inputTopic, [
      { key: 'x', value: 'not json' },
      { key: 'x', value: JSON.stringify({ ...reading('mill-5', 0), readings: { temprature: 1 } }) },
    ]);
    await publish([
      ...Array.from({ length: 5 }, (_, s) => reading('lathe-1', s)),
      ...Array.from({ length: 5 }, (_, s) =>
        reading('pump-1', s, {
          machine_type: 'centrifugal-pump',
        }),
      ),
      ...Array.from({ length: 5 }, (_, s) => reading('mill-5', s)),
    ]);
    const dead: IncomingMessage[] = [];
    const dlq = await bus.subscribe(
      { topics: [dlqTopicOf(settings.inputTopic)], groupId: 'dlq-reader' },
      async (b) => void dead.push(...b),
    );
    await waitFor(() => dead.length === 2);
    await dlq.stop();
    await waitFor(() => predictions.length === 1);
    expect(predictions[0]!.machine_id).toBe('mill-5');
    expect(parseDeadLetter(dead[0]!)!.reason).toMatch(/JSON/i);
    const metrics = (await request(sut.app).get('/metrics')).text;
    expect(metrics).toMatch(/rul_readings_without_model_total\{machine_type="cnc-mill"[^}]*\} 5/);
    expect(metrics).toMatch(/rul_readings_without_model_total\{machine_type="centrifugal-pump"[^}]*\} 5/);
    expect(metrics).toMatch(/rul_dead_letters_total\{reason="invalid_json"[^}]*\} 1/);
    expect(metrics).toMatch(/rul_machines_tracked[^\n]* 1/);
  });

  it('carries a dropped channel forward and ignores a first reading without it', async () => {
    const first = reading('mill-6', 0);
    await publish([{ ...first, readings: { temperature: 1, vibration: 2, pressure: 3 } }]);
    await publish(Array.from({ length: 5 }, (_, s) => reading('mill-6', s + 1)));
    await publish([{ ...reading('mill-6', 6), readings: { temperature: 70, vibration: 2, pressure: 5 } }]);
    await drained();
    const res = await request(sut.app).post('/forecast').send({ machine_id: 'mill-6' }).expect(200);
    expect(res.body.readings_used).toBe(5);
    expect(predictions).toHaveLength(1);
  });

  describe("with the time-series store as the machines' past", () => {
    const name = FIXTURE_HISTORY_MODEL_NAME;
    let other: RulService | undefined;
    afterEach(async () => {
      await other?.stop();
      other = undefined;
    });

    async function startWith(history: TimeSeriesStore): Promise<RulService> {
      const meta = JSON.parse(
        await readFile(join(FIXTURE_HISTORY_MODELS_DIR, `${name}.json`), 'utf8'),
      ) as object;
      await copyFile(join(FIXTURE_HISTORY_MODELS_DIR, `${name}.onnx`), join(dir, `${name}.onnx`));
      await writeFile(join(dir, `${name}.json`), JSON.stringify({ ...meta, machine_id_pattern: '^hmill-' }));
      await sut.stop();
      other = createService({
        settings: { ...settings, groupId: 'rul-api-2' },
        models: { dir, pollMs: 0 },
        logger: captured.logger,
        ports: { bus, history },
      });
      await other.start();
      return other;
    }

    it('gives a machine first seen mid-life its stored first readings and age (as after a restart)', async () => {
      const store = createEmbeddedTimeSeriesStore();
      const past = [
        ...Array.from({ length: 20 }, (_, s) => reading('hmill-2', s)),
        ...Array.from({ length: 7 }, (_, s) => reading('hmill-4', s)),
      ];
      await store.writePoints(
        past.map((r) => ({
          machineId: r.machine_id,
          machineType: r.machine_type,
          location: '',
          timestampMs: Date.parse(r.timestamp),
          fields: r.readings,
        })),
      );
      const svc = await startWith(store);
      // Both machines first seen in one batch: looked up together.
      await publish(
        Array.from({ length: 10 }, (_, s) => [reading('hmill-2', 20 + s), reading('hmill-4', 7 + s)]).flat(),
      );
      await waitFor(() => predictions.some((p) => p.reading_id === 'hmill-2-r29'));
      const followed = await request(svc.app).post('/forecast').send({ machine_id: 'hmill-2' }).expect(200);
      expect(followed.body.age_readings).toBe(30);
      const other = await request(svc.app).post('/forecast').send({ machine_id: 'hmill-4' }).expect(200);
      expect(other.body.age_readings).toBe(17);
      // The same as the machine's whole history: first readings from the store, the window from the stream.
      const whole = Array.from({ length: 30 }, (_, s) => reading('hmill-2', s).readings);
      const given = await request(svc.app)
        .post('/forecast')
        .send({ model: name, readings: whole })
        .expect(200);
      expect(followed.body.predicted_rul).toBe(given.body.predicted_rul);
      expect(predictions.find((p) => p.reading_id === 'hmill-2-r29')!.predicted_rul).toBe(
        given.body.predicted_rul,
      );
      const metrics = (await request(svc.app).get('/metrics')).text;
      expect(metrics).toMatch(/rul_history_lookups_total\{result="found"[^}]*\} 2/);
      await store.close();
    });

    it('follows a machine from the next reading when the store cannot answer, and says so', async () => {
      const down = () => Promise.reject(new Error('store down'));
      const broken = createEmbeddedTimeSeriesStore();
      broken.queryRange = down;
      broken.countPoints = down;
      const svc = await startWith(broken);
      await publish(Array.from({ length: 10 }, (_, s) => reading('hmill-3', s)));
      await waitFor(() => predictions.some((p) => p.reading_id === 'hmill-3-r9'));
      const followed = await request(svc.app).post('/forecast').send({ machine_id: 'hmill-3' }).expect(200);
      expect(followed.body.age_readings).toBe(10);
      const metrics = (await request(svc.app).get('/metrics')).text;
      expect(metrics).toMatch(/rul_history_lookups_total\{result="failed"[^}]*\} 1/);
      expect(captured.lines().some((l) => JSON.stringify(l).includes('rul.history.lookup_failed'))).toBe(
        true,
      );
    });
  });
});
