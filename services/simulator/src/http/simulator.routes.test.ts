import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCapturedLogger } from '@industrialmind/logger/testing';
import { cmapssText, skabCsv } from '@industrialmind/simulation/testing';
import { waitFor } from '@industrialmind/testing';
import request from 'supertest';
import { createService, type SimulatorService } from '../service';
import { fakeBus, testConfig, type FakeBus } from '../testing';

const datasets = mkdtempSync(join(tmpdir(), 'simulator-routes-'));
mkdirSync(join(datasets, 'skab', 'valve1'), { recursive: true });
writeFileSync(join(datasets, 'skab', 'valve1', '0.csv'), skabCsv({ rows: 5, anomalyFrom: 3 }));
mkdirSync(join(datasets, 'cmapss'));
writeFileSync(join(datasets, 'cmapss', 'train_FD001.txt'), cmapssText({ cycles: [4, 3] }));

function build(env: Record<string, string> = {}): { sut: SimulatorService; bus: FakeBus } {
  const bus = fakeBus();
  const sut = createService({
    config: testConfig({ SIMULATOR_FLEET_SIZE: '8', SIMULATOR_DATASETS_DIR: datasets, ...env }),
    logger: createCapturedLogger().logger,
    ports: { bus },
  });
  return { sut, bus };
}

describe('simulator routes', () => {
  let sut: SimulatorService;
  let bus: FakeBus;
  beforeEach(() => {
    ({ sut, bus } = build());
  });
  afterEach(async () => {
    await sut.stop();
  });

  describe('GET /fleet', () => {
    it('lists the machines with their condition', async () => {
      const res = await request(sut.app).get('/fleet?limit=3&offset=1').expect(200);

      expect(res.body).toMatchObject({
        size: 8,
        seed: 42,
        machine_types: { 'cnc-mill': 2, 'centrifugal-pump': 2, compressor: 2, 'conveyor-motor': 2 },
        sample_interval_ms: 400,
        total: 8,
        offset: 1,
        limit: 3,
      });
      expect(res.body.machines).toHaveLength(3);
      expect(res.body.machines[0]).toMatchObject({
        machine_id: 'centrifugal-pump-001',
        plant: 'plant-1',
        status: 'running',
        last_timestamp: null,
      });
    });

    it('rejects a bad page with the field', async () => {
      const res = await request(sut.app).get('/fleet?limit=0').expect(400);

      expect(res.body.error.details).toEqual([expect.objectContaining({ location: 'query', path: 'limit' })]);
    });
  });

  describe('POST /fleet', () => {
    it('replaces the fleet', async () => {
      const res = await request(sut.app)
        .post('/fleet')
        .send({ size: 3, seed: 7, machine_types: ['compressor'], life_hours: 100, repair_hours: null })
        .expect(200);

      expect(res.body).toMatchObject({
        size: 3,
        seed: 7,
        machine_types: { compressor: 3 },
        life_hours: 100,
        repair_hours: null,
      });
      expect((await request(sut.app).get('/status')).body).toMatchObject({ fleet_size: 3, seed: 7 });
    });

    it.each([
      [{}, 'size'],
      [{ size: 0 }, 'size'],
      [{ size: 2.5 }, 'size'],
      [{ size: 2, machine_types: ['toaster'] }, 'machine_types.0'],
      [{ size: 2, colour: 'red' }, ''],
    ])('answers 400 naming the field for %j', async (body, path) => {
      const res = await request(sut.app).post('/fleet').send(body).expect(400);

      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ location: 'body', path })]),
      );
    });

    it('refuses a fleet too small for the current rate', async () => {
      await request(sut.app).put('/rate').send({ readings_per_sec: 5000 }).expect(200);
      const res = await request(sut.app).post('/fleet').send({ size: 2 }).expect(400);

      expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'readings_per_sec' })]);
    });
  });

  describe('start, stop, rate, status', () => {
    it('starts and stops publishing', async () => {
      const started = await request(sut.app).post('/start').expect(200);
      await waitFor(() => bus.values('sensor-readings').length >= 8, { description: 'readings' });
      const stopped = await request(sut.app).post('/stop').expect(200);
      const status = await request(sut.app).get('/status').expect(200);

      expect(started.body.running).toBe(true);
      expect(stopped.body.running).toBe(false);
      expect(status.body).toMatchObject({ running: false, pending: 0, ground_truth: 'topic', replay: null });
      expect(status.body.readings_published).toBe(bus.values('sensor-readings').length);
      expect(bus.values('simulator-ground-truth')).toHaveLength(status.body.readings_published);
    });

    it('changes the rate and validates it', async () => {
      expect(
        (await request(sut.app).put('/rate').send({ readings_per_sec: 100 }).expect(200)).body.rate_per_sec,
      ).toBe(100);
      expect((await request(sut.app).get('/fleet')).body.sample_interval_ms).toBe(80);

      const missing = await request(sut.app).put('/rate').send({}).expect(400);
      const tooHigh = await request(sut.app).put('/rate').send({ readings_per_sec: 8001 }).expect(400);
      expect(missing.body.error.details).toEqual([expect.objectContaining({ path: 'readings_per_sec' })]);
      expect(tooHigh.body.error.details).toEqual([
        { location: 'body', path: 'readings_per_sec', message: expect.stringMatching(/<= 8000/) },
      ]);
    });
  });

  describe('faults', () => {
    it('injects, lists and clears a fault', async () => {
      const created = await request(sut.app)
        .post('/faults')
        .send({
          machine_id: 'centrifugal-pump-002',
          kind: 'cavitation',
          shape: 'exponential',
          duration_sec: 3600,
          severity: 0.7,
        })
        .expect(201);

      expect(created.body).toMatchObject({
        machine_id: 'centrifugal-pump-002',
        kind: 'cavitation',
        shape: 'exponential',
        severity: 0.7,
        component: 'impeller',
        onset_sec: 3600,
      });
      const listed = await request(sut.app).get('/faults?machine_id=centrifugal-pump-002').expect(200);
      expect(listed.body.faults).toEqual([created.body]);
      expect((await request(sut.app).get('/faults?machine_id=cnc-mill-001')).body.faults).toEqual([]);

      const cleared = await request(sut.app).delete(`/faults/${created.body.fault_id}`).expect(200);
      expect(cleared.body).toMatchObject({ state: 'ended', ended_reason: 'cleared' });
      await request(sut.app).delete('/faults/f-unknown').expect(404);
    });

    it('schedules a fault in the future', async () => {
      const res = await request(sut.app)
        .post('/faults')
        .send({ machine_id: 'cnc-mill-001', kind: 'sensor_stuck', channel: 'temperature', start_in_sec: 600 })
        .expect(201);

      expect(res.body).toMatchObject({ state: 'scheduled', component: 'temperature-sensor', ends_at: null });
      expect((await request(sut.app).get('/faults?state=scheduled')).body.faults).toHaveLength(1);
    });

    it.each([
      [{ kind: 'bearing_wear' }, 'machine_id'],
      [{ machine_id: 'cnc-mill-001', kind: 'gremlins' }, 'kind'],
      [{ machine_id: 'cnc-mill-001', kind: 'sensor_drift' }, 'channel'],
      [{ machine_id: 'cnc-mill-001', kind: 'overheating', channel: 'power' }, 'channel'],
      [{ machine_id: 'cnc-mill-001', kind: 'overheating', severity: 0 }, 'severity'],
      [{ machine_id: 'cnc-mill-001', kind: 'overheating', shape: 'sine' }, 'shape'],
      [{ machine_id: 'cnc-mill-001', kind: 'overheating', duration_sec: -5 }, 'duration_sec'],
      [{ machine_id: 'cnc-mill-001', kind: 'overheating', component: 'Main Bearing' }, 'component'],
      [{ machine_id: 'compressor-001', kind: 'cavitation' }, 'kind'],
      [{ machine_id: 'no-such-machine', kind: 'overheating' }, 'machine_id'],
    ])('answers 400 naming the field for %j', async (body, path) => {
      const res = await request(sut.app).post('/faults').send(body).expect(400);

      expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(res.body.error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ location: 'body', path })]),
      );
    });

    it('rejects an unknown fault state filter', async () => {
      const res = await request(sut.app).get('/faults?state=broken').expect(400);

      expect(res.body.error.details).toEqual([expect.objectContaining({ location: 'query', path: 'state' })]);
    });
  });

  describe('replay', () => {
    it('replays a SKAB folder and reports progress', async () => {
      const started = await request(sut.app)
        .post('/replay')
        .send({ dataset: 'skab', path: 'skab', speed: 'max', timestamps: 'keep' })
        .expect(202);
      await waitFor(async () => (await request(sut.app).get('/replay')).body.status === 'done', {
        description: 'replay done',
      });
      const done = await request(sut.app).get('/replay').expect(200);

      expect(started.body).toMatchObject({ replay_id: 'replay-1', status: 'running', dataset: 'skab' });
      expect(done.body).toMatchObject({
        files_total: 1,
        files_done: 1,
        machines: 1,
        readings_published: 5,
        fraction: 1,
      });
      expect(bus.values<{ machine_id: string }>('sensor-readings').map((r) => r.machine_id)).toEqual(
        Array(5).fill('skab-valve1-0'),
      );
      expect(bus.values<{ anomaly: boolean }>('simulator-ground-truth').map((t) => t.anomaly)).toEqual([
        false,
        false,
        false,
        true,
        true,
      ]);
      const metrics = await request(sut.app).get('/metrics').expect(200);
      expect(metrics.text).toMatch(
        /simulator_messages_published_total\{topic="sensor-readings",source="replay"\} 1\n/,
      );
      expect(metrics.text).toMatch(/simulator_readings_published_total\{source="replay"\} 5\n/);
    });

    it('replays C-MAPSS engines and can be stopped', async () => {
      await request(sut.app)
        .post('/replay')
        .send({
          dataset: 'cmapss',
          path: 'cmapss/train_FD001.txt',
          speed: 1,
          cycle_sec: 3600,
          ground_truth: false,
        })
        .expect(202);
      await request(sut.app).post('/replay').send({ dataset: 'skab', path: 'skab' }).expect(409);
      // The first cycle goes out at once, the second an hour later: stop in between.
      await waitFor(() => bus.values('sensor-readings').length >= 1, { description: 'first cycle' });
      const stopped = await request(sut.app).delete('/replay').expect(200);

      expect(stopped.body).toMatchObject({ status: 'aborted', readings_published: 1 });
      expect(bus.values<{ machine_id: string }>('sensor-readings')[0]!.machine_id).toBe(
        'cmapss-fd001-train-001',
      );
      expect(bus.values('simulator-ground-truth')).toEqual([]);
    });

    it.each([
      [{ dataset: 'skab', path: '../../etc' }, 400],
      [{ dataset: 'skab', path: '/etc/passwd' }, 400],
      [{ dataset: 'skab', path: 'nope' }, 404],
      [{ dataset: 'cmapss', path: 'cmapss', rul_path: 'nope.txt' }, 404],
      [{ dataset: 'movies', path: 'skab' }, 400],
      [{ dataset: 'skab', path: 'skab', speed: -1 }, 400],
    ])('refuses %j with %d', async (body, status) => {
      await request(sut.app).post('/replay').send(body).expect(status);
    });

    it('says when no replay ran, and when replay over REST is off', async () => {
      await request(sut.app).get('/replay').expect(404);
      await request(sut.app).delete('/replay').expect(404);
      const off = build({ SIMULATOR_DATASETS_DIR: '' });
      const res = await request(off.sut.app)
        .post('/replay')
        .send({ dataset: 'skab', path: 'skab' })
        .expect(409);
      expect(res.body.error.message).toMatch(/SIMULATOR_DATASETS_DIR/);
    });

    it('records a replay that failed', async () => {
      writeFileSync(join(datasets, 'empty.txt'), '');
      await request(sut.app).post('/replay').send({ dataset: 'cmapss', path: 'skab' }).expect(202);
      await waitFor(async () => (await request(sut.app).get('/replay')).body.status === 'failed', {
        description: 'failure',
      });

      expect((await request(sut.app).get('/replay')).body.error).toMatch(/no cmapss files/);
    });
  });

  it('serves probes and metrics', async () => {
    await request(sut.app).get('/readyz').expect(200);
    const metrics = await request(sut.app).get('/metrics').expect(200);

    expect(metrics.text).toMatch(/simulator_fleet_size 8/);
    expect(metrics.text).toMatch(/simulator_running 0/);
    expect(metrics.text).toMatch(/simulator_target_readings_per_second 20/);
  });
});
