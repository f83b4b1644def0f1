import { copyFileSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeSensorReading, parseAnomalyDetected, type SensorReading } from '@industrialmind/contracts';
import { createMemoryEventBus, type IncomingMessage } from '@industrialmind/event-bus';
import { createCapturedLogger } from '@industrialmind/logger/testing';
import { waitFor } from '@industrialmind/testing';
import request from 'supertest';
import { createService, type AnomalyService } from './service';

const FIXTURES = join(__dirname, '..', 'test', 'fixtures');
const T0 = Date.parse('2024-05-01T12:00:00.000Z');
const settings = {
  modelPollMs: 20,
  inputTopic: 'sensor-readings',
  outputTopic: 'anomaly-detected',
  groupId: 'anomaly-api',
  topicPartitions: 3,
  maxBatch: 64,
  consumerBatch: 500,
  continuingEvery: 3,
  partitionsConcurrently: 1,
};

/** The fixture model: centrifugal-pump, channels temperature (weight 1) and vibration (0.5), window 4, cold start 10. */
function writeModel(dir: string, version: string, mtimeSec: number): void {
  const meta = JSON.parse(readFileSync(join(FIXTURES, 'tiny.json'), 'utf8')) as Record<string, unknown>;
  const name = version.replace(/[^a-z0-9]/gi, '-');
  copyFileSync(join(FIXTURES, 'tiny.onnx'), join(dir, `${name}.onnx`));
  writeFileSync(
    join(dir, `${name}.json`),
    JSON.stringify({ ...meta, model_version: version, onnx_file: `${name}.onnx` }),
  );
  utimesSync(join(dir, `${name}.json`), mtimeSec, mtimeSec);
}

const calm = (i: number) => ({ temperature: 60 + (i % 2), vibration: 2 + (i % 2) * 0.1 });
const hot = { temperature: 90, vibration: 2 };

function reading(machine: string, seq: number, values: Record<string, number>): SensorReading {
  return {
    schema_version: '1.0',
    reading_id: `${machine}-${seq}`,
    timestamp: new Date(T0 + seq * 1000).toISOString(),
    machine_id: machine,
    machine_type: 'centrifugal-pump',
    readings: values,
  };
}

describe('anomaly-api', () => {
  let dir: string;
  let bus: ReturnType<typeof createMemoryEventBus>;
  let sut: AnomalyService;
  const { logger } = createCapturedLogger();
  const t0 = Math.floor(Date.now() / 1000) - 100;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'anomaly-api-'));
    writeModel(dir, 'pump@1', t0);
    bus = createMemoryEventBus();
    sut = createService({ settings: { ...settings, modelDir: dir }, logger, ports: { bus } });
    await sut.start();
  });
  afterEach(async () => {
    await sut.stop();
    await bus.close();
    rmSync(dir, { recursive: true });
  });

  const predict = (body: object) => request(sut.app).post('/predict').send(body);
  async function calibrate(machine: string): Promise<void> {
    for (let i = 0; i < 10; i++)
      await predict({ machine_id: machine, machine_type: 'centrifugal-pump', readings: calm(i) }).expect(200);
  }

  it('scores one reading with the machine window state after its cold start', async () => {
    const first = await predict({
      machine_id: 'p1',
      machine_type: 'centrifugal-pump',
      readings: calm(0),
    }).expect(200);
    expect(first.body).toMatchObject({
      status: 'calibrating',
      calibration: { seen: 1, needed: 10 },
      score: null,
    });
    await calibrate('p1');
    await predict({ machine_id: 'p1', machine_type: 'centrifugal-pump', readings: hot }).expect(200);
    const res = await predict({ machine_id: 'p1', machine_type: 'centrifugal-pump', readings: hot }).expect(
      200,
    );
    expect(res.body).toMatchObject({ status: 'scored', is_anomaly: true, model_version: 'pump@1' });
    expect(res.body.feature_contributions.temperature).toBeGreaterThan(
      res.body.feature_contributions.vibration,
    );
    expect(res.body.event).toMatchObject({ state: 'started' });
  });

  it('answers 400 naming the field for invalid input, never a stack trace', async () => {
    const missing = await predict({ machine_type: 'centrifugal-pump', readings: calm(0) }).expect(400);
    expect(missing.body.error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(missing.body.error.details)).toContain('machine_id');
    const text = await predict({
      machine_id: 'p1',
      machine_type: 'centrifugal-pump',
      readings: { temperature: 'hot' },
    }).expect(400);
    expect(JSON.stringify(text.body.error.details)).toContain('readings.temperature');
    const unknown = await predict({
      machine_id: 'p1',
      machine_type: 'centrifugal-pump',
      readings: { rpm: 3 },
    }).expect(400);
    expect(unknown.body.error.details[0].path).toBe('readings.rpm');
    const both = await predict({
      machine_id: 'p1',
      machine_type: 'centrifugal-pump',
      readings: calm(0),
      window: [calm(0)],
    }).expect(400);
    expect(both.body.error.details[0].path).toBe('readings');
    const notJson = await request(sut.app)
      .post('/predict')
      .set('content-type', 'application/json')
      .send('{')
      .expect(400);
    expect(JSON.stringify(notJson.body)).not.toContain('at ');
    await predict({ machine_id: 'p1', machine_type: 'cnc-mill', readings: { temperature: 1 } }).expect(404);
  });

  it('scores a whole window statelessly once the machine is calibrated', async () => {
    const window = [calm(0), calm(1), hot, hot];
    await predict({ machine_id: 'p2', machine_type: 'centrifugal-pump', window }).expect(409);
    await calibrate('p2');
    const res = await predict({ machine_id: 'p2', machine_type: 'centrifugal-pump', window }).expect(200);
    expect(res.body).toMatchObject({ status: 'scored', is_anomaly: true });
    const short = await predict({ machine_id: 'p2', machine_type: 'centrifugal-pump', window: [hot] }).expect(
      400,
    );
    expect(short.body.error.details[0].path).toBe('window');
  });

  it('scores a batch in order and answers unknown machine types per item', async () => {
    const readings = Array.from({ length: 12 }, (_, i) => ({
      machine_id: 'p3',
      machine_type: 'centrifugal-pump',
      readings: calm(i),
    }));
    const res = await request(sut.app)
      .post('/predict/batch')
      .send({
        readings: [...readings, { machine_id: 'm', machine_type: 'cnc-mill', readings: { temperature: 1 } }],
      })
      .expect(200);
    const statuses = res.body.results.map((r: { status: string }) => r.status);
    expect(statuses).toEqual([...Array(9).fill('calibrating'), 'scored', 'scored', 'scored', 'no_model']);
    const bad = await request(sut.app)
      .post('/predict/batch')
      .send({ readings: [{ machine_id: 'p3', machine_type: 'centrifugal-pump', readings: { rpm: 1 } }] })
      .expect(400);
    expect(bad.body.error.details[0].path).toBe('readings.0.readings.rpm');
    await request(sut.app).post('/predict/batch').send({ readings: [] }).expect(400);
  });

  it('picks up a newly trained model without a restart, keeping machines calibrated', async () => {
    await calibrate('p4');
    writeModel(dir, 'pump@2', t0 + 10);
    await waitFor(
      async () => (await request(sut.app).get('/model')).body.models[0].model_version === 'pump@2',
      {
        description: 'model pump@2 served',
      },
    );
    const model = (await request(sut.app).get('/model').expect(200)).body.models[0];
    expect(model).toMatchObject({
      machine_type: 'centrifugal-pump',
      channels: ['temperature', 'vibration'],
      window: 4,
    });
    const res = await predict({
      machine_id: 'p4',
      machine_type: 'centrifugal-pump',
      readings: calm(0),
    }).expect(200);
    expect(res.body).toMatchObject({ status: 'scored', model_version: 'pump@2' });
    const metrics = await request(sut.app).get('/metrics').expect(200);
    expect(metrics.text).toContain(
      'anomaly_model_info{machine_type="centrifugal-pump",model_version="pump@2"',
    );
    expect(metrics.text).toContain('anomaly_score_ratio_bucket');
    expect(metrics.text).toContain('anomaly_scoring_duration_seconds_bucket');
  });

  it('consumes sensor-readings and publishes anomaly events that start, continue and end', async () => {
    const events: IncomingMessage[] = [];
    const sub = await bus.subscribe(
      { topics: ['anomaly-detected'], groupId: 'test', fromBeginning: true },
      async (batch) => {
        events.push(...batch);
      },
    );
    const seq = [
      ...Array.from({ length: 12 }, (_, i) => calm(i)),
      ...Array(8).fill(hot),
      ...Array.from({ length: 8 }, (_, i) => calm(i)),
    ];
    await bus.publish(
      'sensor-readings',
      seq.map((values, i) => ({ key: 'p5', value: encodeSensorReading(reading('p5', i, values)) })),
    );
    await bus.publish('sensor-readings', [{ key: 'p5', value: 'not json' }]);
    await waitFor(() => events.some((e) => e.value.toString().includes('"ended"')), {
      description: 'ended event',
    });
    const parsed = events.map((e) => {
      const r = parseAnomalyDetected(e.value);
      if (!r.ok) throw new Error(r.reason);
      return r.value;
    });
    const states = parsed.map((p) => p.state);
    // 8 hot readings plus off_count (2) calm ones keep the event open ~9 readings: continuing every 3rd.
    expect(states[0]).toBe('started');
    expect(states[states.length - 1]).toBe('ended');
    expect(states.slice(1, -1)).toEqual(['continuing', 'continuing', 'continuing']);
    expect(new Set(parsed.map((p) => p.event_id)).size).toBe(1);
    expect(parsed[0]).toMatchObject({
      machine_id: 'p5',
      model_version: 'pump@1',
      is_anomaly: true,
      reading_id: 'p5-13',
    });
    expect(parsed[0]!.feature_contributions.temperature).toBeGreaterThan(0);
    expect(events.every((e) => e.key === 'p5')).toBe(true);
    await waitFor(async () =>
      (await bus.consumerLag('anomaly-api', ['sensor-readings'])).every((p) => p.lag === 0),
    );
    const metrics = (await request(sut.app).get('/metrics')).text;
    expect(metrics).toMatch(/anomaly_dead_letters_total\{reason="[a-z_]+"[^}]*\} 1/);
    expect(metrics).toMatch(/anomaly_events_total\{machine_type="centrifugal-pump",state="started"[^}]*\} 1/);
    await sub.stop();
  });
});

describe('anomaly-api before start', () => {
  it('answers 503 until the models are loaded', async () => {
    const { logger } = createCapturedLogger();
    const sut = createService({
      settings: { ...settings, modelDir: FIXTURES, modelPollMs: 0 },
      logger,
      ports: { bus: createMemoryEventBus() },
    });
    const res = await request(sut.app)
      .post('/predict')
      .send({ machine_id: 'p1', machine_type: 'centrifugal-pump', readings: calm(0) })
      .expect(503);
    expect(res.body.error.code).toBe('UPSTREAM_UNAVAILABLE');
    await request(sut.app).get('/readyz').expect(503);
  });
});

describe('anomaly-api with roles', () => {
  it('refuses callers without a role when the service checks roles itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anomaly-api-'));
    writeModel(dir, 'pump@1', Math.floor(Date.now() / 1000));
    const bus = createMemoryEventBus();
    const { logger } = createCapturedLogger();
    const sut = createService({
      settings: { ...settings, modelDir: dir, modelPollMs: 0 },
      logger,
      ports: { bus },
      consume: false,
      identify: (req) =>
        req.headers['x-test-role']
          ? { subject: 't', roles: [String(req.headers['x-test-role'])] }
          : undefined,
      roles: { predict: ['operator'], model: ['viewer', 'operator'] },
    });
    await sut.start();
    const body = { machine_id: 'p1', machine_type: 'centrifugal-pump', readings: calm(0) };
    await request(sut.app).post('/predict').send(body).expect(401);
    await request(sut.app).post('/predict').set('x-test-role', 'viewer').send(body).expect(403);
    await request(sut.app).post('/predict').set('x-test-role', 'operator').send(body).expect(200);
    await request(sut.app).get('/model').set('x-test-role', 'viewer').expect(200);
    await sut.stop();
    await bus.close();
    rmSync(dir, { recursive: true });
  });
});
