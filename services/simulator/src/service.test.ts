import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createDefaultMachineTypeRegistry,
  parseSensorReadings,
  collectSensorReadings,
  type SensorReading,
} from '@industrialmind/contracts';
import { createMemoryEventBus, type IncomingMessage } from '@industrialmind/event-bus';
import { createCapturedLogger } from '@industrialmind/logger/testing';
import { GroundTruthRecordSchema, type GroundTruthRecord } from '@industrialmind/simulation';
import { cmapssText, skabCsv } from '@industrialmind/simulation/testing';
import { waitFor } from '@industrialmind/testing';
import request from 'supertest';
import { replay } from '.';
import { LOG_EVENTS } from './log-events';
import { createService } from './service';
import { fakeBus, testConfig } from './testing';

const T0 = Date.parse('2024-05-06T08:00:00Z');

/** Runs a service on fake time and returns what it published. */
async function runFor(
  ms: number,
  env: Record<string, string>,
  before?: (app: ReturnType<typeof createService>['app']) => Promise<void>,
) {
  const bus = fakeBus();
  const logs = createCapturedLogger();
  const sut = createService({
    config: testConfig({ SIMULATOR_AUTOSTART: 'true', ...env }),
    logger: logs.logger,
    ports: { bus },
  });
  if (before) await before(sut.app);
  await sut.start();
  await jest.advanceTimersByTimeAsync(ms);
  await sut.stop();
  return {
    readings: bus.values<SensorReading>('sensor-readings'),
    truth: bus.values<GroundTruthRecord>('simulator-ground-truth'),
    bus,
    logs,
    sut,
  };
}

describe(createService.name, () => {
  describe('on fake time', () => {
    beforeEach(() => {
      jest.useFakeTimers({ now: T0 });
    });
    afterEach(() => {
      jest.useRealTimers();
    });

    it('publishes the same data for the same seed, and other data for another', async () => {
      const env = { SIMULATOR_FLEET_SIZE: '6', SIMULATOR_RATE_PER_SEC: '60', SIMULATOR_SEED: '7' };
      const a = await runFor(2_000, env);
      jest.setSystemTime(T0);
      const b = await runFor(2_000, env);
      jest.setSystemTime(T0);
      const c = await runFor(2_000, { ...env, SIMULATOR_SEED: '8' });

      expect(a.readings.length).toBeGreaterThanOrEqual(120);
      expect(b.readings).toEqual(a.readings);
      expect(b.truth).toEqual(a.truth);
      expect(c.readings.map((r) => r.readings)).not.toEqual(
        a.readings.slice(0, c.readings.length).map((r) => r.readings),
      );
      expect(a.bus.ensureTopics).toHaveBeenCalledWith([
        { topic: 'sensor-readings', partitions: 12 },
        { topic: 'simulator-ground-truth', partitions: 12 },
      ]);
    });

    it('shows an injected fault in the readings and in the ground truth', async () => {
      const env = { SIMULATOR_FLEET_SIZE: '4', SIMULATOR_RATE_PER_SEC: '40', SIMULATOR_SEED: '3' };
      const baseline = await runFor(60_000, env);
      jest.setSystemTime(T0);
      let faultId = '';
      const faulty = await runFor(60_000, env, async (app) => {
        const res = await request(app)
          .post('/faults')
          .send({
            machine_id: 'centrifugal-pump-001',
            kind: 'cavitation',
            shape: 'step',
            severity: 1,
            start_in_sec: 20,
          })
          .expect(201);
        faultId = res.body.fault_id;
      });
      const pressure = (run: typeof baseline, from: number) =>
        run.readings
          .filter((r) => r.machine_id === 'centrifugal-pump-001' && Date.parse(r.timestamp) >= T0 + from)
          .map((r) => r.readings.pressure!);
      const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
      const pumpTruth = faulty.truth.filter((t) => t.machine_id === 'centrifugal-pump-001');

      expect(pressure(faulty, 0).slice(0, 150)).toEqual(pressure(baseline, 0).slice(0, 150));
      expect(mean(pressure(faulty, 30_000))).toBeLessThan(0.8 * mean(pressure(baseline, 30_000)));
      expect(
        pumpTruth
          .filter((t) => Date.parse(t.timestamp) < T0 + 20_000)
          .every((t) => t.active_faults.length === 0),
      ).toBe(true);
      expect(
        pumpTruth
          .filter((t) => Date.parse(t.timestamp) >= T0 + 20_000)
          .every((t) => t.active_faults[0]?.fault_id === faultId),
      ).toBe(true);
      expect(faulty.logs.lines().some((l) => l.event === LOG_EVENTS.faultInjected)).toBe(true);
    });

    it('wears machines down to RUL 0, fails them and repairs them', async () => {
      const { truth } = await runFor(
        120_000,
        { SIMULATOR_FLEET_SIZE: '2', SIMULATOR_RATE_PER_SEC: '20' },
        async (app) => {
          // 0.01 h = 36 s of life, repaired at once.
          await request(app).post('/fleet').send({ size: 2, life_hours: 0.01, repair_hours: 0 }).expect(200);
        },
      );
      const mill = truth.filter((t) => t.machine_id === 'cnc-mill-001');

      expect(mill[0]!.rul_hours).toBeGreaterThan(0);
      expect(mill.some((t) => t.rul_hours === 0 && t.health === 0 && t.status === 'failed')).toBe(true);
      const failed = mill.findIndex((t) => t.status === 'failed');
      expect(mill[failed + 1]).toMatchObject({ status: 'running' });
      expect(mill[failed + 1]!.health).toBeGreaterThan(0.99);
      for (const t of truth) expect(GroundTruthRecordSchema.safeParse(t).success).toBe(true);
    });

    it('keeps the fleet and logs retries while the bus fails, losing nothing', async () => {
      const bus = fakeBus();
      const logs = createCapturedLogger();
      const sut = createService({
        config: testConfig({
          SIMULATOR_FLEET_SIZE: '4',
          SIMULATOR_RATE_PER_SEC: '40',
          SIMULATOR_MAX_IN_FLIGHT: '1',
        }),
        logger: logs.logger,
        ports: { bus },
      });
      bus.failNext(4, new Error('broker unreachable'));
      await sut.start();
      sut.controller.start();
      await jest.advanceTimersByTimeAsync(10_000);
      await sut.stop();

      const ids = bus.values<SensorReading>('sensor-readings').map((r) => r.reading_id);
      const status = sut.controller.status();
      expect(status).toMatchObject({ pending: 0, abandoned: 0 });
      expect(status.failed_attempts).toBeGreaterThanOrEqual(2);
      expect(new Set(ids).size).toBe(status.generated);
      expect(logs.lines().filter((l) => l.event === LOG_EVENTS.publishFailed).length).toBeGreaterThanOrEqual(
        1,
      );
      const metrics = await request(sut.app).get('/metrics');
      expect(metrics.text).toMatch(
        /simulator_publish_failures_total\{topic="sensor-readings",source="fleet"\} [1-9]/,
      );
    });
  });

  it('publishes contract-valid readings keyed by machine_id on the in-memory bus', async () => {
    const bus = createMemoryEventBus();
    const sut = createService({
      config: testConfig({ SIMULATOR_FLEET_SIZE: '8', SIMULATOR_RATE_PER_SEC: '400' }),
      logger: createCapturedLogger().logger,
      ports: { bus },
    });
    const received: IncomingMessage[] = [];
    const subscription = await bus.subscribe(
      { topics: ['sensor-readings'], groupId: 'test' },
      async (batch) => {
        received.push(...batch);
      },
    );
    await sut.start();
    sut.controller.start();
    const machineTypes = createDefaultMachineTypeRegistry();
    const readings = () =>
      received.flatMap((m) => {
        const parsed = parseSensorReadings(m.value, { machineTypes });
        return parsed.ok ? parsed.value.readings : [];
      });
    await waitFor(() => readings().length >= 100, { description: '100 readings' });
    await sut.stop();
    await subscription.stop();
    await bus.close();

    for (const message of received) {
      const parsed = parseSensorReadings(message.value, { machineTypes });
      expect(parsed.ok && parsed.value.rejected).toEqual([]);
      for (const reading of parsed.ok ? parsed.value.readings : [])
        expect(message.key).toBe(reading.machine_id);
    }
  });

  it('writes ground truth to a JSONL file when asked to', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'simulator-gt-')), 'truth.jsonl');
    const bus = fakeBus();
    const sut = createService({
      config: testConfig({
        SIMULATOR_GROUND_TRUTH: 'file',
        SIMULATOR_GROUND_TRUTH_FILE: file,
        SIMULATOR_RATE_PER_SEC: '200',
      }),
      logger: createCapturedLogger().logger,
      ports: { bus },
    });
    await sut.start();
    sut.controller.start();
    await waitFor(() => bus.values('sensor-readings').length >= 20, { description: 'readings' });
    await sut.stop();

    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as GroundTruthRecord);
    expect(lines.map((l) => l.reading_id)).toEqual(
      bus.values<SensorReading>('sensor-readings').map((r) => r.reading_id),
    );
    expect(bus.values('simulator-ground-truth')).toEqual([]);
  });

  describe(replay.name, () => {
    const dir = mkdtempSync(join(tmpdir(), 'simulator-replay-'));
    writeFileSync(join(dir, 'tiny.csv'), skabCsv({ rows: 6, anomalyFrom: 4 }));
    writeFileSync(join(dir, 'train_FD003.txt'), cmapssText({ cycles: [5, 4, 3] }));

    it('replays a tiny SKAB CSV onto the bus', async () => {
      const bus = createMemoryEventBus();
      const received: IncomingMessage[] = [];
      await bus.subscribe(
        { topics: ['sensor-readings'], groupId: 'skab' },
        async (batch) => void received.push(...batch),
      );

      const summary = await replay(
        { dataset: 'skab', path: join(dir, 'tiny.csv'), speed: 'max', timestamps: 'keep' },
        bus,
      );
      const machineTypes = createDefaultMachineTypeRegistry();
      const readings = () => collectSensorReadings(received, { machineTypes }, () => undefined);
      await waitFor(() => readings().length === 6, { description: 'six readings' });
      await bus.close();

      expect(summary).toMatchObject({ readingsPublished: 6, machines: 1, isDone: true });
      expect(received.map((m) => m.key)).toEqual([`skab-${dir.split('/').pop()!.toLowerCase()}-tiny`]);
      expect(readings()).toHaveLength(6);
    });

    it('replays a tiny C-MAPSS file with RUL ground truth', async () => {
      const bus = fakeBus();

      const summary = await replay(
        { dataset: 'cmapss', path: join(dir, 'train_FD003.txt'), speed: 0, timestamps: 'now' },
        bus,
      );

      expect(summary).toMatchObject({ readingsPublished: 12, machines: 3 });
      expect(bus.values<GroundTruthRecord>('simulator-ground-truth').map((t) => t.rul_cycles)).toEqual([
        4, 3, 2, 1, 0, 3, 2, 1, 0, 2, 1, 0,
      ]);
      expect(new Set(bus.values<SensorReading>('sensor-readings').map((r) => r.machine_id))).toEqual(
        new Set(['cmapss-fd003-train-001', 'cmapss-fd003-train-002', 'cmapss-fd003-train-003']),
      );
    });
  });
});
