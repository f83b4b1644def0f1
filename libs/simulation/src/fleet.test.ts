import {
  SIMULATOR_MACHINE_TYPES,
  createDefaultMachineTypeRegistry,
  parseSensorReading,
} from '@industrialmind/contracts';
import { AppError, ErrorCode } from '@industrialmind/errors';
import { MAX_FAULTS_PER_MACHINE, createFleet, type FleetOptions } from './fleet';
import { GroundTruthRecordSchema } from './ground-truth';
import type { SimulatedSample } from './machine';
import type { SimulatorMachineTypeName } from './profiles';

const HOUR = 3_600_000;
// Monday 2024-05-06 00:00 UTC.
const MONDAY = Date.parse('2024-05-06T00:00:00Z');

function fleetOf(type: SimulatorMachineTypeName, overrides: Partial<FleetOptions> = {}) {
  return createFleet({
    size: 1,
    seed: 3,
    startMs: MONDAY,
    machineTypes: [type],
    sampleIntervalMs: 10_000,
    initialHealth: 0.95,
    lifeHours: 5_000,
    ...overrides,
  });
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function channel(samples: SimulatedSample[], name: string, fromMs: number, toMs: number): number[] {
  return samples
    .filter((s) => {
      const t = Date.parse(s.truth.timestamp);
      return t >= fromMs && t < toMs;
    })
    .map((s) => s.reading?.readings[name])
    .filter((v): v is number => v !== undefined);
}

function expectAppError(fn: () => unknown, code: string, path?: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe(code);
    if (path !== undefined)
      expect((err as AppError).details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    return;
  }
  throw new Error(`expected an AppError ${code}`);
}

describe(createFleet.name, () => {
  describe('determinism', () => {
    it('gives the same readings and ground truth for the same seed and options', () => {
      const options = { size: 12, seed: 99, startMs: MONDAY, sampleIntervalMs: 500 };

      expect(createFleet(options).generate(3_000)).toEqual(createFleet(options).generate(3_000));
    });

    it('gives other readings for another seed', () => {
      const a = createFleet({ size: 4, seed: 1, startMs: MONDAY }).generate(8);
      const b = createFleet({ size: 4, seed: 2, startMs: MONDAY }).generate(8);

      expect(a.map((s) => s.reading?.readings)).not.toEqual(b.map((s) => s.reading?.readings));
      expect(a[0]!.reading!.reading_id).not.toBe(b[0]!.reading!.reading_id);
    });
  });

  describe('readings', () => {
    const sut = createFleet({ size: 9, seed: 5, startMs: MONDAY + 5.5 * HOUR, sampleIntervalMs: 333.3 });
    const samples = sut.generate(9 * 400);

    it('pass the sensor-readings contract', () => {
      const machineTypes = createDefaultMachineTypeRegistry();
      for (const s of samples) {
        const result = parseSensorReading(JSON.stringify(s.reading), { machineTypes });
        expect(result.ok ? 'ok' : result.reason).toBe('ok');
      }
    });

    it('come with ground truth that passes its schema and shares the reading id', () => {
      for (const s of samples.slice(0, 200)) {
        expect(GroundTruthRecordSchema.safeParse(s.truth).success).toBe(true);
        expect(s.truth.reading_id).toBe(s.reading!.reading_id);
      }
    });

    it('have strictly increasing timestamps per machine and unique reading ids', () => {
      const last = new Map<string, number>();
      const ids = new Set<string>();
      for (const s of samples) {
        const t = Date.parse(s.reading!.timestamp);
        expect(t).toBeGreaterThan(last.get(s.reading!.machine_id) ?? -Infinity);
        last.set(s.reading!.machine_id, t);
        ids.add(s.reading!.reading_id);
      }
      expect(ids.size).toBe(samples.length);
      expect(last.size).toBe(9);
    });

    it('stay inside each channel range declared in contracts', () => {
      for (const s of samples) {
        const type = SIMULATOR_MACHINE_TYPES.find((t) => t.name === s.reading!.machine_type)!;
        for (const c of type.channels) {
          const value = s.reading!.readings[c.name]!;
          expect(value).toBeGreaterThanOrEqual(c.min!);
          expect(value).toBeLessThanOrEqual(c.max!);
        }
      }
    });

    it('name machines by type and place them in plants and lines', () => {
      expect(sut.machines.map((m) => m.machineId).slice(0, 5)).toEqual([
        'cnc-mill-001',
        'centrifugal-pump-001',
        'compressor-001',
        'conveyor-motor-001',
        'cnc-mill-002',
      ]);
      expect(sut.machines[6]).toEqual(
        expect.objectContaining({ plant: 'plant-1', line: 'line-2', location: 'bay 1' }),
      );
      expect(samples[0]!.reading!.metadata).toEqual({ plant: 'plant-1', line: 'line-1', location: 'bay 1' });
    });
  });

  describe('physics', () => {
    it('draws power in proportion to load', () => {
      const samples = fleetOf('conveyor-motor').generateUntil(MONDAY + 24 * HOUR);
      const load = samples.map((s) => s.truth.load!);
      const power = samples.map((s) => s.reading!.readings.power!);
      const ml = mean(load);
      const mp = mean(power);
      let cov = 0;
      let vl = 0;
      let vp = 0;
      load.forEach((l, i) => {
        cov += (l - ml) * (power[i]! - mp);
        vl += (l - ml) ** 2;
        vp += (power[i]! - mp) ** 2;
      });

      expect(cov / Math.sqrt(vl * vp)).toBeGreaterThan(0.95);
    });

    it('lets temperature follow a load step with a lag', () => {
      const samples = fleetOf('conveyor-motor').generateUntil(MONDAY + 10 * HOUR);
      const night = mean(channel(samples, 'temperature', MONDAY + 5 * HOUR, MONDAY + 6 * HOUR));
      const justAfter = mean(channel(samples, 'temperature', MONDAY + 6 * HOUR, MONDAY + 6.1 * HOUR));
      const later = mean(channel(samples, 'temperature', MONDAY + 9 * HOUR, MONDAY + 10 * HOUR));
      const loadJustAfter = mean(
        samples
          .filter((s) => Date.parse(s.truth.timestamp) >= MONDAY + 6.05 * HOUR)
          .slice(0, 20)
          .map((s) => s.truth.load!),
      );

      expect(loadJustAfter).toBeGreaterThan(0.6);
      expect(later - night).toBeGreaterThan(8);
      expect(justAfter - night).toBeLessThan(0.3 * (later - night));
    });

    it('works harder in the day shift than at night or on Sunday', () => {
      const fleet = fleetOf('conveyor-motor');
      const samples = fleet.generateUntil(MONDAY - 0 + 24 * HOUR);
      const day = mean(channel(samples, 'power', MONDAY + 7 * HOUR, MONDAY + 11 * HOUR));
      const night = mean(channel(samples, 'power', MONDAY + 1 * HOUR, MONDAY + 5 * HOUR));
      const sunday = fleetOf('conveyor-motor', { startMs: MONDAY - 24 * HOUR }).generateUntil(
        MONDAY - 12 * HOUR,
      );

      expect(day).toBeGreaterThan(1.8 * night);
      expect(mean(sunday.map((s) => s.reading!.readings.power!))).toBeLessThan(night);
    });

    it('keeps a compressor network in its load/unload pressure band', () => {
      const samples = fleetOf('compressor').generateUntil(MONDAY + 6 * HOUR);
      const pressure = channel(samples, 'pressure', MONDAY + 0.5 * HOUR, MONDAY + 6 * HOUR);
      const loads = new Set(samples.map((s) => Math.round(s.truth.load!)));

      expect(Math.min(...pressure)).toBeGreaterThan(6);
      expect(Math.max(...pressure)).toBeLessThan(8);
      expect(loads).toEqual(new Set([0, 1]));
    });

    it('lets the cnc mill alternate between jobs and set-ups, coolant on while cutting', () => {
      const samples = fleetOf('cnc-mill').generateUntil(MONDAY + 10 * HOUR);
      const day = samples.filter((s) => Date.parse(s.truth.timestamp) >= MONDAY + 7 * HOUR);
      const cutting = day.filter((s) => s.reading!.readings.pressure! > 4);
      const idle = day.filter((s) => s.reading!.readings.pressure! < 1);

      expect(cutting.length).toBeGreaterThan(idle.length);
      expect(idle.length).toBeGreaterThan(0);
      expect(mean(cutting.map((s) => s.reading!.readings.power!))).toBeGreaterThan(
        3 * mean(idle.map((s) => s.reading!.readings.power!)),
      );
    });

    it('lets sensor calibration drift slowly', () => {
      // The same machine's night-time temperature baseline on two Mondays a week apart differs a little.
      const fleet = fleetOf('centrifugal-pump', { sampleIntervalMs: 60_000 });
      const samples = fleet.generateUntil(MONDAY + 8 * 24 * HOUR);
      const first = mean(channel(samples, 'pressure', MONDAY + 2 * HOUR, MONDAY + 4 * HOUR));
      const second = mean(
        channel(samples, 'pressure', MONDAY + (7 * 24 + 2) * HOUR, MONDAY + (7 * 24 + 4) * HOUR),
      );

      expect(Math.abs(first - second)).toBeGreaterThan(0.001);
      expect(Math.abs(first - second)).toBeLessThan(1);
    });
  });

  describe('faults', () => {
    const faultStart = MONDAY + 7 * HOUR;

    function withAndWithout(
      type: SimulatorMachineTypeName,
      spec: Parameters<ReturnType<typeof createFleet>['injectFault']>[0] extends infer S
        ? Omit<S, 'machineId'>
        : never,
      hours = 12,
    ) {
      const baseline = fleetOf(type).generateUntil(MONDAY + hours * HOUR);
      const fleet = fleetOf(type);
      const info = fleet.injectFault({ ...spec, machineId: fleet.machines[0]!.machineId });
      const faulty = fleet.generateUntil(MONDAY + hours * HOUR);
      return { baseline, faulty, info, fleet };
    }

    it('shows bearing wear in vibration first, then in temperature, and in the ground truth', () => {
      const { baseline, faulty, info } = withAndWithout('cnc-mill', {
        kind: 'bearing_wear',
        shape: 'ramp',
        startMs: faultStart,
        durationMs: 4 * HOUR,
      });
      const early = [faultStart + 0.8 * HOUR, faultStart + 1.2 * HOUR] as const;
      const late = [faultStart + 3.5 * HOUR, faultStart + 4 * HOUR] as const;

      expect(mean(channel(faulty, 'vibration', ...early))).toBeGreaterThan(
        1.5 * mean(channel(baseline, 'vibration', ...early)),
      );
      expect(
        Math.abs(
          mean(channel(faulty, 'temperature', ...early)) - mean(channel(baseline, 'temperature', ...early)),
        ),
      ).toBeLessThan(2);
      expect(mean(channel(faulty, 'temperature', ...late))).toBeGreaterThan(
        mean(channel(baseline, 'temperature', ...late)) + 10,
      );
      const truth = faulty.find((s) => Date.parse(s.truth.timestamp) >= faultStart + 2 * HOUR)!.truth;
      expect(truth.active_faults).toEqual([
        {
          fault_id: info.id,
          kind: 'bearing_wear',
          component: 'bearing',
          shape: 'ramp',
          started_at: new Date(faultStart).toISOString(),
          severity: expect.closeTo(0.5, 2),
          peak_severity: 1,
        },
      ]);
      const after = faulty.find((s) => Date.parse(s.truth.timestamp) >= faultStart + 4 * HOUR)!;
      expect(after.truth.active_faults).toEqual([]);
    });

    it('shows cavitation as a lower, noisier pump pressure', () => {
      const { baseline, faulty } = withAndWithout('centrifugal-pump', {
        kind: 'cavitation',
        shape: 'step',
        startMs: faultStart,
        durationMs: 2 * HOUR,
        severity: 0.8,
      });
      const window = [faultStart, faultStart + 2 * HOUR] as const;
      const spread = (v: number[]) => Math.sqrt(mean(v.map((x, i) => (i === 0 ? 0 : (x - v[i - 1]!) ** 2))));

      expect(mean(channel(faulty, 'pressure', ...window))).toBeLessThan(
        0.85 * mean(channel(baseline, 'pressure', ...window)),
      );
      expect(spread(channel(faulty, 'vibration', ...window))).toBeGreaterThan(
        3 * spread(channel(baseline, 'vibration', ...window)),
      );
    });

    it.each([
      ['overheating', 'compressor', 'temperature', 1.2],
      ['pressure_leak', 'centrifugal-pump', 'pressure', 0.8],
      ['pressure_leak', 'compressor', 'power', 1.1],
    ] as const)('shows %s on a %s in %s', (kind, type, name, ratio) => {
      const { baseline, faulty } = withAndWithout(type, {
        kind,
        shape: 'step',
        startMs: faultStart,
        durationMs: 3 * HOUR,
      });
      const window = [faultStart + 2 * HOUR, faultStart + 3 * HOUR] as const;
      const faultyMean = mean(channel(faulty, name, ...window));
      const baselineMean = mean(channel(baseline, name, ...window));

      if (ratio > 1) expect(faultyMean).toBeGreaterThan(ratio * baselineMean);
      else expect(faultyMean).toBeLessThan(ratio * baselineMean);
    });

    it('shows an electrical fault as power spikes and drops', () => {
      const { baseline, faulty } = withAndWithout('conveyor-motor', {
        kind: 'electrical_fault',
        shape: 'step',
        startMs: faultStart,
        durationMs: 3 * HOUR,
      });
      const jumps = (v: number[]) => v.filter((x, i) => i > 0 && Math.abs(x - v[i - 1]!) > 15).length;
      const window = [faultStart, faultStart + 3 * HOUR] as const;

      expect(jumps(channel(faulty, 'power', ...window))).toBeGreaterThan(20);
      expect(jumps(channel(baseline, 'power', ...window))).toBeLessThan(5);
    });

    it('freezes a stuck sensor and leaves the other channels as they were', () => {
      const { baseline, faulty } = withAndWithout('compressor', {
        kind: 'sensor_stuck',
        channel: 'temperature',
        shape: 'step',
        startMs: faultStart,
        durationMs: HOUR,
      });
      const window = [faultStart, faultStart + HOUR] as const;

      expect(new Set(channel(faulty, 'temperature', ...window)).size).toBe(1);
      expect(channel(faulty, 'power', ...window)).toEqual(channel(baseline, 'power', ...window));
      expect(channel(faulty, 'temperature', faultStart + HOUR, faultStart + 2 * HOUR)).toEqual(
        channel(baseline, 'temperature', faultStart + HOUR, faultStart + 2 * HOUR),
      );
    });

    it('drops a channel out of the readings while its sensor is out', () => {
      const { faulty } = withAndWithout('cnc-mill', {
        kind: 'sensor_dropout',
        channel: 'vibration',
        shape: 'step',
        startMs: faultStart,
        durationMs: HOUR,
      });
      const inside = faulty.filter((s) => {
        const t = Date.parse(s.truth.timestamp);
        return t >= faultStart && t < faultStart + HOUR;
      });

      expect(inside.length).toBeGreaterThan(300);
      for (const s of inside) {
        expect(Object.keys(s.reading!.readings).sort()).toEqual(['power', 'pressure', 'temperature']);
        expect(s.truth.active_faults[0]).toMatchObject({
          kind: 'sensor_dropout',
          channel: 'vibration',
          component: 'vibration-sensor',
        });
      }
    });

    it('sends no reading but keeps the ground truth when every channel drops out', () => {
      const fleet = fleetOf('cnc-mill');
      const machineId = fleet.machines[0]!.machineId;
      for (const c of ['temperature', 'vibration', 'pressure', 'power'] as const) {
        fleet.injectFault({ machineId, kind: 'sensor_dropout', channel: c, shape: 'step', durationMs: HOUR });
      }
      const [sample] = fleet.generate(1);

      expect(sample!.reading).toBeUndefined();
      expect(sample!.truth).toMatchObject({ dropped: true, machine_id: machineId });
      expect(sample!.truth.active_faults).toHaveLength(4);
    });

    it('adds spikes and a growing drift to a sensor', () => {
      const spikes = withAndWithout('conveyor-motor', {
        kind: 'sensor_spikes',
        channel: 'pressure',
        shape: 'step',
        startMs: faultStart,
        durationMs: 2 * HOUR,
      });
      const drift = withAndWithout('cnc-mill', {
        kind: 'sensor_drift',
        channel: 'temperature',
        shape: 'ramp',
        startMs: faultStart,
        durationMs: 2 * HOUR,
        severity: 0.5,
      });
      const window = [faultStart, faultStart + 2 * HOUR] as const;
      const spiky = channel(spikes.faulty, 'pressure', ...window);
      const calm = channel(spikes.baseline, 'pressure', ...window);
      const offsets = channel(
        drift.faulty,
        'temperature',
        faultStart + 1.9 * HOUR,
        faultStart + 2 * HOUR,
      ).map(
        (v, i) =>
          v - channel(drift.baseline, 'temperature', faultStart + 1.9 * HOUR, faultStart + 2 * HOUR)[i]!,
      );

      expect(spiky.filter((v, i) => Math.abs(v - calm[i]!) > 1.5).length).toBeGreaterThan(10);
      // 20 % of the 0-150 °C range x severity 0.5 x ~0.95 of the ramp.
      expect(Math.abs(mean(offsets))).toBeGreaterThan(13);
      expect(Math.abs(mean(offsets))).toBeLessThan(15.5);
    });

    it('rejects faults that do not fit the machine, naming the field', () => {
      const fleet = fleetOf('compressor');
      const machineId = fleet.machines[0]!.machineId;

      expectAppError(
        () => fleet.injectFault({ machineId, kind: 'cavitation' }),
        ErrorCode.VALIDATION_FAILED,
        'kind',
      );
      expectAppError(
        () => fleet.injectFault({ machineId: 'nope', kind: 'overheating' }),
        ErrorCode.VALIDATION_FAILED,
        'machine_id',
      );
      expectAppError(
        () => fleet.injectFault({ machineId, kind: 'sensor_stuck' }),
        ErrorCode.VALIDATION_FAILED,
        'channel',
      );
    });

    it('limits the faults on one machine', () => {
      const fleet = fleetOf('compressor');
      const machineId = fleet.machines[0]!.machineId;
      for (let i = 0; i < MAX_FAULTS_PER_MACHINE; i++)
        fleet.injectFault({ machineId, kind: 'overheating', severity: 0.01 });

      expectAppError(
        () => fleet.injectFault({ machineId, kind: 'overheating' }),
        ErrorCode.CONFLICT,
        'machine_id',
      );
    });

    it('lists, filters and clears faults', () => {
      const fleet = createFleet({ size: 2, seed: 1, startMs: MONDAY, machineTypes: ['compressor'] });
      const [a, b] = fleet.machines.map((m) => m.machineId) as [string, string];
      const scheduled = fleet.injectFault({ machineId: a, kind: 'overheating', startMs: MONDAY + HOUR });
      const active = fleet.injectFault({ machineId: b, kind: 'pressure_leak', durationMs: HOUR });
      fleet.generate(10);

      expect(fleet.faults().map((f) => f.id)).toEqual([scheduled.id, active.id]);
      expect(fleet.faults({ machineId: b })).toEqual([
        expect.objectContaining({ id: active.id, state: 'active', endMs: active.startMs + HOUR }),
      ]);
      expect(fleet.faults({ state: 'scheduled' })).toEqual([
        expect.objectContaining({ id: scheduled.id, endMs: null }),
      ]);
      expect(fleet.machine(b)).toMatchObject({ activeFaults: 1, readings: 5 });

      const cleared = fleet.clearFault(active.id);
      fleet.generate(2);

      expect(cleared).toMatchObject({ state: 'ended', endedReason: 'cleared' });
      expect(fleet.faults({ state: 'ended' })).toEqual([expect.objectContaining({ id: active.id })]);
      expectAppError(() => fleet.clearFault('f-nope'), ErrorCode.NOT_FOUND);
    });

    it('reports a fault that ran its course as expired', () => {
      const fleet = fleetOf('compressor');
      const fault = fleet.injectFault({
        machineId: fleet.machines[0]!.machineId,
        kind: 'overheating',
        durationMs: 30_000,
      });
      fleet.generate(10);

      expect(fleet.faults()).toEqual([
        expect.objectContaining({ id: fault.id, state: 'ended', endedReason: 'expired' }),
      ]);
    });
  });

  describe('propagated faults', () => {
    const start = MONDAY + 7 * HOUR;
    const pair = () =>
      createFleet({
        size: 2,
        seed: 3,
        startMs: MONDAY,
        machineTypes: ['centrifugal-pump', 'compressor'],
        sampleIntervalMs: 10_000,
        initialHealth: 0.95,
        lifeHours: 5_000,
      });
    const samplesOf = (samples: SimulatedSample[], machineId: string) =>
      samples.filter((x) => x.truth.machine_id === machineId);

    it('shows an upstream leak as lower pressure downstream, naming the root machine in the ground truth', () => {
      const baseline = pair().generateUntil(MONDAY + 10 * HOUR);
      const fleet = pair();
      const [pump, compressor] = fleet.machines.map((m) => m.machineId) as [string, string];
      fleet.injectFault({
        machineId: pump,
        kind: 'pressure_leak',
        shape: 'step',
        startMs: start,
        durationMs: 3 * HOUR,
        propagateTo: [{ machineId: compressor, delayMs: 60_000 }],
      });
      const faulty = fleet.generateUntil(MONDAY + 10 * HOUR);
      const window = [start + HOUR, start + 3 * HOUR] as const;
      const downstream = (s: SimulatedSample[]) => channel(samplesOf(s, compressor), 'pressure', ...window);
      expect(mean(downstream(faulty))).toBeLessThan(0.85 * mean(downstream(baseline)));
      const truth = samplesOf(faulty, compressor).find(
        (x) => Date.parse(x.truth.timestamp) >= start + HOUR,
      )!.truth;
      expect(truth.active_faults).toEqual([
        expect.objectContaining({
          kind: 'pressure_leak',
          component: 'seal',
          root_machine_id: pump,
          fault_id: fleet.faults({ machineId: pump })[0]!.id,
        }),
      ]);
      // The symptom does not wear the downstream machine: it keeps the health it would have had.
      const last = (s: SimulatedSample[]) => samplesOf(s, compressor).at(-1)!.truth.health;
      expect(last(faulty)).toBe(last(baseline));
      expect(fleet.faults({ machineId: compressor })[0]).toMatchObject({
        rootMachineId: pump,
        severity: 0.8,
      });
    });

    it('leaves the readings of the same seed unchanged when nothing propagates', () => {
      const a = pair();
      const b = pair();
      a.injectFault({ machineId: a.machines[0]!.machineId, kind: 'overheating', startMs: start });
      b.injectFault({
        machineId: b.machines[0]!.machineId,
        kind: 'overheating',
        startMs: start,
        propagateTo: [],
      });
      expect(b.generate(500)).toEqual(a.generate(500));
    });

    it('ends the downstream symptom when the root fault is cleared', () => {
      const fleet = pair();
      const [pump, compressor] = fleet.machines.map((m) => m.machineId) as [string, string];
      const root = fleet.injectFault({
        machineId: pump,
        kind: 'overheating',
        startMs: MONDAY,
        propagateTo: [{ machineId: compressor, gain: 0.5 }],
      });
      fleet.generate(20);
      fleet.clearFault(root.id);
      fleet.generate(4);
      expect(fleet.faults({ machineId: compressor })[0]).toMatchObject({
        state: 'ended',
        endedReason: 'cleared',
      });
    });

    it('refuses propagation of faults that stay on their machine, to itself, or to an unknown machine', () => {
      const fleet = pair();
      const [pump, compressor] = fleet.machines.map((m) => m.machineId) as [string, string];
      expectAppError(
        () =>
          fleet.injectFault({
            machineId: pump,
            kind: 'bearing_wear',
            propagateTo: [{ machineId: compressor }],
          }),
        'VALIDATION_FAILED',
        'propagate_to',
      );
      expectAppError(
        () => fleet.injectFault({ machineId: pump, kind: 'cavitation', propagateTo: [{ machineId: pump }] }),
        'VALIDATION_FAILED',
        'propagate_to.0.machine_id',
      );
      expectAppError(
        () =>
          fleet.injectFault({ machineId: pump, kind: 'cavitation', propagateTo: [{ machineId: 'ghost' }] }),
        'VALIDATION_FAILED',
        'propagate_to.0.machine_id',
      );
      expectAppError(
        () =>
          fleet.injectFault({
            machineId: pump,
            kind: 'cavitation',
            propagateTo: [{ machineId: compressor, gain: 2, delayMs: -1 }],
          }),
        'VALIDATION_FAILED',
        'propagate_to.0.gain',
      );
      expect(fleet.faults()).toEqual([]);
    });
  });

  describe('degradation', () => {
    it('wears a machine down to RUL 0, fails it, and repairs it as new', () => {
      const fleet = fleetOf('centrifugal-pump', {
        lifeHours: 2,
        initialHealth: 1,
        repairHours: 1,
        sampleIntervalMs: 10_000,
      });
      const samples = fleet.generateUntil(MONDAY + 6 * HOUR);
      const firstFailed = samples.findIndex((s) => s.truth.status === 'failed');
      const repaired = samples.findIndex((s, i) => i > firstFailed && s.truth.status === 'running');
      const first = samples[0]!.truth;
      const predictedFailureMs = MONDAY + first.rul_hours! * HOUR;

      expect(first.health).toBeCloseTo(1, 2);
      expect(first.rul_hours).toBeGreaterThan(1.6 - 0.01);
      expect(first.rul_hours).toBeLessThan(2.4 + 0.01);
      for (let i = 1; i < firstFailed; i++) {
        expect(samples[i]!.truth.health!).toBeLessThanOrEqual(samples[i - 1]!.truth.health!);
        expect(samples[i]!.truth.rul_hours!).toBeLessThan(samples[i - 1]!.truth.rul_hours!);
      }
      expect(firstFailed).toBeGreaterThan(0);
      expect(
        Math.abs(Date.parse(samples[firstFailed]!.truth.timestamp) - predictedFailureMs),
      ).toBeLessThanOrEqual(10_000);
      expect(samples[firstFailed]!.truth).toMatchObject({ health: 0, rul_hours: 0 });
      expect(samples[firstFailed - 1]!.truth.health).toBeLessThan(0.01);
      expect(samples[firstFailed + 5]!.reading!.readings.power).toBeLessThan(2);
      expect(repaired - firstFailed).toBe(360);
      expect(samples[repaired]!.truth).toMatchObject({ status: 'running', health: expect.closeTo(1, 2) });
    });

    it('shortens the remaining life when a fault is injected, as predicted', () => {
      const fleet = fleetOf('cnc-mill', {
        lifeHours: 10,
        initialHealth: 1,
        repairHours: null,
        sampleIntervalMs: 30_000,
      });
      const machineId = fleet.machines[0]!.machineId;
      const before = fleet.generate(1)[0]!.truth.rul_hours!;
      fleet.injectFault({ machineId, kind: 'bearing_wear', shape: 'step' });
      const after = fleet.generate(1)[0]!.truth;
      const samples = fleet.generateUntil(MONDAY + 24 * HOUR);
      const failedAt = samples.find((s) => s.truth.status === 'failed')!;

      expect(after.rul_hours!).toBeLessThan(before / 6);
      expect(
        Math.abs(
          Date.parse(failedAt.truth.timestamp) - (Date.parse(after.timestamp) + after.rul_hours! * HOUR),
        ),
      ).toBeLessThanOrEqual(30_000);
      expect(samples[samples.length - 1]!.truth.status).toBe('failed');
      expect(fleet.faults()[0]).toMatchObject({ state: 'ended', endedReason: 'failure' });
    });
  });

  describe('time', () => {
    it('changes the sampling interval from the next reading on', () => {
      const fleet = fleetOf('compressor', { sampleIntervalMs: 1000 });
      fleet.generate(3);
      fleet.setSampleInterval(250);
      const [a, b] = fleet.generate(2);

      expect(Date.parse(b!.truth.timestamp) - Date.parse(a!.truth.timestamp)).toBe(250);
      expect(fleet.sampleIntervalMs).toBe(250);
      expectAppError(() => fleet.setSampleInterval(0), ErrorCode.VALIDATION_FAILED, 'sample_interval_ms');
    });

    it('skips ahead after a pause without producing the readings in between', () => {
      const fleet = createFleet({ size: 4, seed: 1, startMs: MONDAY });
      fleet.generate(8);
      fleet.skipTo(MONDAY + HOUR);
      const next = fleet.generate(4);

      expect(fleet.peekTimestampMs()).toBeGreaterThanOrEqual(MONDAY + HOUR + 1000);
      expect(next.map((s) => Date.parse(s.truth.timestamp))).toEqual(
        [0, 250, 500, 750].map((d) => MONDAY + HOUR + d),
      );
    });

    it('generates only what is due', () => {
      const fleet = createFleet({ size: 10, seed: 1, startMs: MONDAY, sampleIntervalMs: 1000 });

      expect(fleet.generateUntil(MONDAY + 999)).toHaveLength(10);
      expect(fleet.generateUntil(MONDAY + 1999, 4)).toHaveLength(4);
      expect(fleet.snapshot().reduce((n, m) => n + m.readings, 0)).toBe(14);
    });
  });

  it.each([
    [{ size: 0 }, 'size'],
    [{ size: 10_001 }, 'size'],
    [{ seed: 1.5 }, 'seed'],
    [{ startMs: NaN }, 'start_ms'],
    [{ sampleIntervalMs: 0.5 }, 'sample_interval_ms'],
    [{ machineTypes: ['toaster'] as never }, 'machine_types'],
    [{ lifeHours: 0 }, 'life_hours'],
    [{ initialHealth: [0.9, 0.5] as const }, 'initial_health'],
    [{ repairHours: -1 }, 'repair_hours'],
    [{ machinesPerLine: 0 }, 'machines_per_line'],
    [{ linesPerPlant: 0 }, 'lines_per_plant'],
  ])('rejects %j naming %s', (overrides, path) => {
    expectAppError(
      () => createFleet({ size: 1, seed: 1, startMs: MONDAY, ...overrides }),
      ErrorCode.VALIDATION_FAILED,
      path,
    );
  });

  it('reports unknown machines as absent', () => {
    expect(createFleet({ size: 1, seed: 1, startMs: MONDAY }).machine('nope')).toBeUndefined();
  });
});
