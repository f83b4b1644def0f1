import { SCHEMA_VERSIONS, type SensorReading, type SensorReadingMetadata } from '@industrialmind/contracts';
import { HOUR_MS, failureTimeMs } from './degradation';
import { FAULT_CATALOG, PROPAGATING_KINDS, faultIntensity, type Fault } from './faults';
import { GROUND_TRUTH_SCHEMA_VERSION, type ActiveFault, type GroundTruthRecord } from './ground-truth';
import {
  MACHINE_PROFILES,
  POWER,
  PRESSURE,
  SIMULATOR_CHANNELS,
  TEMPERATURE,
  VIBRATION,
  ambientTemperature,
  dayOfWeek,
  localHour,
  shiftFactor,
  waterDemand,
  type MachineProfile,
  type SimulatorMachineTypeName,
} from './profiles';
import { createRandom, deriveSeed, type Random } from './random';

/** One simulated reading and what was true when it was taken. */
export interface SimulatedSample {
  /** Absent only when every channel dropped out at once (sensor faults): nothing would be sent. */
  reading: SensorReading | undefined;
  truth: GroundTruthRecord;
}

export type MachineStatus = 'running' | 'failed';

/** Settings a machine takes from its fleet. */
export interface MachineSettings {
  index: number;
  machineId: string;
  type: SimulatorMachineTypeName;
  seed: number;
  /** Prefix of reading ids: unique per fleet seed and start time. */
  readingIdPrefix: string;
  metadata: SensorReadingMetadata;
  lifeHours: number;
  initialHealth: number;
  /** Hours a failed machine stays down before it is repaired as new; `Infinity` keeps it failed. */
  repairHours: number;
  utcOffsetHours: number;
  firstTimestampMs: number;
}

const READING_VERSION = SCHEMA_VERSIONS['sensor-readings'];
const NO_FAULTS: readonly ActiveFault[] = Object.freeze([]);
const TYPE_CNC = 0;
const TYPE_PUMP = 1;
const TYPE_COMPRESSOR = 2;
const TYPE_CONVEYOR = 3;
const TYPE_CODES: Record<SimulatorMachineTypeName, number> = {
  'cnc-mill': TYPE_CNC,
  'centrifugal-pump': TYPE_PUMP,
  compressor: TYPE_COMPRESSOR,
  'conveyor-motor': TYPE_CONVEYOR,
};
// Compressor load/unload band (bar) and how fast the network pressure moves (bar/s at full imbalance).
const COMPRESSOR_LOW_BAR = 6.5;
const COMPRESSOR_HIGH_BAR = 7.5;
const COMPRESSOR_SLEW_BAR_S = 0.02;
// Calibration bias of each sensor: a slow mean-reverting walk (time constant 3 days), 1 sigma as a share of range.
const BIAS_TAU_SEC = 3 * 86_400;
const BIAS_SIGMA_OF_RANGE = 0.004;

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Per-fault state a sensor fault needs between readings. */
interface SensorFaultState {
  stuckValue: number | undefined;
  /** +1 or -1: the direction of a drift or of spikes' bias. */
  direction: number;
}

/**
 * One simulated machine: a small physical model advanced one reading at a time. Load comes from the plant's shift
 * pattern and the machine's own process (CNC jobs, pump demand, compressor load/unload, conveyor material flow);
 * power follows load at once, temperature follows it through a first-order lag, vibration scales with load and
 * wear, pressure follows the process. Wear accumulates with time (faster under faults), lowers health from 1 to
 * 0 and shows in the signals; at 0 the machine fails, stops, and is repaired as new after `repairHours`.
 */
export class Machine {
  readonly index: number;
  readonly machineId: string;
  readonly type: SimulatorMachineTypeName;
  readonly metadata: SensorReadingMetadata;
  readonly faults: Fault[] = [];
  nextTimestampMs: number;
  lastTimestampMs = -Infinity;
  seq = 0;
  status: MachineStatus = 'running';
  health: number;
  failAtMs = Infinity;
  repairAtMs = Infinity;
  load = 0;

  private readonly profile: MachineProfile;
  private readonly typeCode: number;
  private readonly rng: Random;
  private readonly faultRng: Random;
  private readonly readingIdPrefix: string;
  private readonly seed: number;
  private readonly repairHours: number;
  private readonly utcOffsetHours: number;
  private readonly baseLifeHours: number;
  private lifeHours: number;
  private wearHours: number;
  private lives = 0;
  // Per-machine variation of the type's levels.
  private readonly gainPower: number;
  private readonly gainTemp: number;
  private readonly gainVib: number;
  private readonly gainPressure: number;
  private readonly ambientOffsetC: number;
  // Process state.
  private loadNoise = 0;
  private temperature: number;
  private pressure: number;
  private isBusy = false;
  private phaseEndsAtMs = -Infinity;
  private phaseLevel = 0;
  private isLoaded = true;
  private readonly bias = [0, 0, 0, 0];
  private readonly faultState = new Map<string, SensorFaultState>();
  private readonly values = [0, 0, 0, 0];

  constructor(settings: MachineSettings) {
    this.index = settings.index;
    this.machineId = settings.machineId;
    this.type = settings.type;
    this.metadata = settings.metadata;
    this.profile = MACHINE_PROFILES[settings.type];
    this.typeCode = TYPE_CODES[settings.type];
    this.seed = settings.seed;
    this.rng = createRandom(deriveSeed(settings.seed, 'signal', settings.index));
    this.faultRng = createRandom(deriveSeed(settings.seed, 'faults', settings.index));
    const shape = createRandom(deriveSeed(settings.seed, 'shape', settings.index));
    this.gainPower = shape.uniform(0.9, 1.1);
    this.gainTemp = shape.uniform(0.9, 1.1);
    this.gainVib = shape.uniform(0.85, 1.15);
    this.gainPressure = shape.uniform(0.95, 1.05);
    this.ambientOffsetC = shape.uniform(-2, 2);
    this.baseLifeHours = settings.lifeHours;
    this.lifeHours = settings.lifeHours * shape.uniform(0.8, 1.2);
    this.health = settings.initialHealth;
    this.wearHours = (1 - settings.initialHealth) * this.lifeHours;
    this.readingIdPrefix = settings.readingIdPrefix;
    this.repairHours = settings.repairHours;
    this.utcOffsetHours = settings.utcOffsetHours;
    this.nextTimestampMs = settings.firstTimestampMs;
    const hour = localHour(settings.firstTimestampMs, settings.utcOffsetHours);
    // Start near the thermal and pressure steady state so the first hour is not a warm-up transient.
    this.temperature = ambientTemperature(hour, this.ambientOffsetC) + 0.4 * this.profile.temperatureRiseC;
    this.pressure = this.profile.pressureBar * (this.typeCode === TYPE_CNC ? 0.05 : 0.8);
    for (let c = 0; c < 4; c++) {
      const [min, max] = this.profile.ranges[c]!;
      this.bias[c] = shape.gaussian() * BIAS_SIGMA_OF_RANGE * (max - min);
    }
    this.recomputeFailure(settings.firstTimestampMs);
  }

  /** Remaining useful life in hours at `tMs` (0 once failed). */
  rulHours(tMs: number): number {
    return this.status === 'failed' ? 0 : Math.max(0, (this.failAtMs - tMs) / HOUR_MS);
  }

  /** Recomputes the failure time after the faults changed (injected, cleared) or the machine was renewed. */
  recomputeFailure(fromMs: number): void {
    if (this.status === 'failed') return;
    this.failAtMs = failureTimeMs(fromMs, this.lifeHours - this.wearHours, this.faults);
  }

  /** Registers a fault's per-fault state (drift direction), drawn from the fault stream. */
  addFault(fault: Fault): void {
    this.faults.push(fault);
    this.faultState.set(fault.id, {
      stuckValue: undefined,
      direction: createRandom(deriveSeed(this.seed, 'fault', fault.id)).next() < 0.5 ? -1 : 1,
    });
  }

  /** Produces the reading at the machine's next timestamp and advances it by `intervalMs`. */
  sample(intervalMs: number): SimulatedSample {
    const ts = Math.max(Math.floor(this.nextTimestampMs), this.lastTimestampMs + 1);
    const dtSec = this.lastTimestampMs === -Infinity ? intervalMs / 1000 : (ts - this.lastTimestampMs) / 1000;
    this.lastTimestampMs = ts;
    this.nextTimestampMs += intervalMs;
    if (this.nextTimestampMs < ts + 1) this.nextTimestampMs = ts + 1;
    this.seq += 1;
    this.updateStatus(ts);
    return this.compute(ts, dtSec);
  }

  private updateStatus(ts: number): void {
    if (this.status === 'running' && ts >= this.failAtMs) {
      this.status = 'failed';
      this.health = 0;
      this.wearHours = this.lifeHours;
      this.repairAtMs = this.failAtMs + this.repairHours * HOUR_MS;
      // The failure ends what caused it; a sensor fault goes on (the sensor is not part of the repair).
      for (const fault of this.faults) {
        if (!FAULT_CATALOG[fault.kind].isSensorFault && fault.endMs > this.failAtMs) {
          fault.endMs = Math.max(fault.startMs, this.failAtMs);
          fault.endedReason = 'failure';
        }
      }
    } else if (this.status === 'failed' && ts >= this.repairAtMs) {
      this.status = 'running';
      this.lives += 1;
      const renewal = createRandom(deriveSeed(this.seed, 'renewal', this.index, this.lives));
      this.lifeHours = this.baseLifeHours * renewal.uniform(0.8, 1.2);
      this.wearHours = 0;
      this.health = 1;
      this.repairAtMs = Infinity;
      this.recomputeFailure(ts);
    }
  }

  private compute(ts: number, dtSec: number): SimulatedSample {
    const p = this.profile;
    const rng = this.rng;
    const hour = localHour(ts, this.utcOffsetHours);
    const shift = shiftFactor(hour, dayOfWeek(ts, this.utcOffsetHours));
    const ambient = ambientTemperature(hour, this.ambientOffsetC);
    const isRunning = this.status === 'running';

    // Fault effects on the machine (sensor faults are applied to the measured values further down).
    let vibMul = 1;
    let vibNoise = 0;
    let tempAdd = 0;
    let pressureMul = 1;
    let pressureNoise = 0;
    let powerMul = 1;
    let powerEvent = 1;
    let extraDemand = 0;
    let wear = 1;
    let hasSensorFault = false;
    const faults = this.faults;
    for (let i = 0; i < faults.length; i++) {
      const f = faults[i]!;
      if (ts < f.startMs || ts >= f.endMs) continue;
      const s = faultIntensity(f, ts);
      if (f.rootMachineId !== undefined) {
        // The downstream symptom of a fault upstream: what flows in is disturbed, by at most what the root machine
        // itself shows (its severity carries the propagation gain); this machine does not wear.
        if (PROPAGATING_KINDS[f.kind] === 'heat') {
          tempAdd += 0.5 * (f.rootEffect ?? 40) * s;
        } else {
          pressureMul *= 1 - (f.rootEffect ?? 0.3) * s;
          pressureNoise += 0.04 * s * p.pressureBar;
        }
        continue;
      }
      wear += FAULT_CATALOG[f.kind].wearFactor * s;
      switch (f.kind) {
        case 'bearing_wear': {
          vibMul *= 1 + 3.2 * s + 4 * s * s * s;
          vibNoise += 0.25 * s * p.vibrationMmS;
          // Heat follows only once the damage is advanced: vibration leads temperature.
          const late = s > 0.35 ? (s - 0.35) / 0.65 : 0;
          tempAdd += 32 * late;
          powerMul *= 1 + 0.03 * s;
          break;
        }
        case 'cavitation':
          pressureMul *= 1 - 0.32 * s;
          pressureNoise += 0.09 * s * p.pressureBar;
          vibMul *= 1 + 0.6 * s;
          vibNoise += 0.7 * s * p.vibrationMmS;
          powerMul *= 1 - 0.12 * s;
          break;
        case 'overheating':
          tempAdd += (this.typeCode === TYPE_COMPRESSOR ? 55 : 42) * s;
          powerMul *= 1 + 0.04 * s;
          break;
        case 'pressure_leak':
          if (this.typeCode === TYPE_COMPRESSOR) {
            extraDemand += 0.4 * s;
            pressureMul *= 1 - 0.05 * s;
          } else {
            pressureMul *= 1 - 0.45 * s;
            powerMul *= 1 + 0.04 * s;
          }
          break;
        case 'electrical_fault': {
          powerMul *= 1 + 0.05 * s;
          tempAdd += 9 * s;
          vibMul *= 1 + 0.2 * s;
          const u = this.faultRng.next();
          if (u < 0.05 * s) powerEvent = this.faultRng.uniform(1.5, 2.4);
          else if (u < 0.1 * s) powerEvent = this.faultRng.uniform(0.1, 0.5);
          break;
        }
        default:
          hasSensorFault = true;
      }
    }

    // Load (0-1) from the type's process, with a mean-reverting noise (time constant 2 min) on top.
    const a = Math.exp(-dtSec / 120);
    this.loadNoise = a * this.loadNoise + 0.06 * Math.sqrt(1 - a * a) * rng.gaussian();
    let target = 0;
    let pressureTarget = 0;
    switch (this.typeCode) {
      case TYPE_CNC: {
        // Alternating jobs (2-12 min at 45-95 % spindle load) and set-ups (0.5-3 min idle) while the plant works.
        // A quiet shift means fewer jobs: after a set-up a new job starts with probability `shift`, otherwise
        // the mill waits 2-15 min and asks again.
        if (ts >= this.phaseEndsAtMs) {
          if (this.isBusy) {
            this.isBusy = false;
            this.phaseEndsAtMs = ts + rng.uniform(30, 180) * 1000;
          } else if (rng.next() < shift) {
            this.isBusy = true;
            this.phaseLevel = rng.uniform(0.45, 0.95);
            this.phaseEndsAtMs = ts + rng.uniform(120, 720) * 1000;
          } else {
            this.phaseEndsAtMs = ts + rng.uniform(120, 900) * 1000;
          }
        }
        target = this.isBusy ? this.phaseLevel + this.loadNoise : 0.04;
        pressureTarget = this.isBusy ? p.pressureBar * (0.95 + 0.1 * this.phaseLevel) : 0.3;
        break;
      }
      case TYPE_PUMP: {
        const demand = waterDemand(hour, shift);
        target = demand * (1 + this.loadNoise);
        const speed = 0.4 + 0.6 * target;
        pressureTarget = p.pressureBar * (0.25 + 0.75 * speed * speed);
        break;
      }
      case TYPE_COMPRESSOR: {
        // Network pressure swings in the load/unload band: loaded, the compressor out-supplies demand.
        const demand = Math.min(1.3, 0.22 + 0.55 * shift + this.loadNoise + extraDemand);
        if (isRunning) {
          this.pressure += (this.isLoaded ? 1 - demand : -demand) * COMPRESSOR_SLEW_BAR_S * dtSec;
          if (this.pressure >= COMPRESSOR_HIGH_BAR) this.isLoaded = false;
          else if (this.pressure <= COMPRESSOR_LOW_BAR) this.isLoaded = true;
          if (this.pressure < 0) this.pressure = 0;
        }
        target = this.isLoaded ? 1 : 0;
        break;
      }
      default: {
        // Material on the belt follows the shift; the belt stops when the plant does.
        target = shift > 0.1 ? Math.min(1, shift * (0.7 + 2.5 * this.loadNoise)) : 0.02;
        pressureTarget = target > 0.05 ? p.pressureBar * 1.15 - 0.012 * (this.temperature - 20) : 0.15;
      }
    }
    if (!isRunning) {
      target = 0;
      pressureTarget = this.typeCode === TYPE_COMPRESSOR ? 0 : 0.15;
    }
    if (target < 0) target = 0;
    else if (target > 1) target = 1;
    // Machines reach a new load in a few seconds, not instantly.
    const b = Math.exp(-dtSec / 4);
    this.load = b * this.load + (1 - b) * target;
    const load = this.load;

    // Wear and health.
    const worn = 1 - this.health;
    if (isRunning) {
      this.wearHours += (wear * dtSec) / 3600;
      this.health = this.wearHours >= this.lifeHours ? 0 : 1 - this.wearHours / this.lifeHours;
    }

    // True physical values.
    const values = this.values;
    let power: number;
    let tempTarget: number;
    let vibration: number;
    if (isRunning) {
      power =
        (p.idlePowerKw + (p.ratedPowerKw - p.idlePowerKw) * load) *
        this.gainPower *
        (1 + 0.06 * worn) *
        powerMul *
        powerEvent;
      tempTarget =
        ambient + p.temperatureRiseC * this.gainTemp * (0.3 + 0.7 * load) + 10 * worn * worn + tempAdd;
      vibration =
        p.vibrationMmS *
        this.gainVib *
        (0.3 + 0.7 * load) *
        (1 + 0.6 * worn + 2.5 * worn * worn * worn * worn);
    } else {
      power = p.ratedPowerKw * 0.01;
      tempTarget = ambient;
      vibration = 0.08;
    }
    vibration *= vibMul;
    if (vibNoise > 0) vibration += vibNoise * Math.abs(this.faultRng.gaussian());
    const c = Math.exp(-dtSec / p.thermalTauSec);
    this.temperature = c * this.temperature + (1 - c) * tempTarget;
    if (this.typeCode !== TYPE_COMPRESSOR || !isRunning) {
      const d = Math.exp(-dtSec / (isRunning ? 3 : 60));
      this.pressure = d * this.pressure + (1 - d) * pressureTarget * this.gainPressure;
    }
    let pressure = this.pressure * pressureMul;
    if (pressureNoise > 0) pressure += pressureNoise * this.faultRng.gaussian();
    values[TEMPERATURE] = this.temperature;
    values[VIBRATION] = vibration;
    values[PRESSURE] = pressure;
    values[POWER] = power;

    // Measurement: calibration bias (slow walk), noise, then sensor faults, then the sensor's range and resolution.
    const e = Math.exp(-dtSec / BIAS_TAU_SEC);
    const biasStep = Math.sqrt(1 - e * e);
    const readings: Record<string, number> = {};
    let channelCount = 0;
    for (let ch = 0; ch < 4; ch++) {
      const range = p.ranges[ch]!;
      const span = range[1] - range[0];
      this.bias[ch] = e * this.bias[ch]! + BIAS_SIGMA_OF_RANGE * span * biasStep * rng.gaussian();
      let noise = p.noise[ch]! * rng.gaussian();
      if (ch === VIBRATION) noise *= 0.5 + 0.5 * vibMul;
      let value = values[ch]! + this.bias[ch]! + noise;
      let isDropped = false;
      if (hasSensorFault) {
        const outcome = this.applySensorFaults(ch, value, span, ts);
        if (outcome === undefined) isDropped = true;
        else value = outcome;
      }
      if (isDropped) continue;
      if (value < range[0]) value = range[0];
      else if (value > range[1]) value = range[1];
      readings[SIMULATOR_CHANNELS[ch]!] = round3(value);
      channelCount += 1;
    }

    const readingId = `${this.readingIdPrefix}-${this.machineId}-${this.seq}`;
    const timestamp = isoTime(ts);
    const truth: GroundTruthRecord = {
      schema_version: GROUND_TRUTH_SCHEMA_VERSION,
      source: 'simulator',
      reading_id: readingId,
      machine_id: this.machineId,
      machine_type: this.type,
      timestamp,
      status: this.status,
      // A running machine never reports 0: that value means failed.
      health: this.health > 0 ? Math.max(0.001, round3(this.health)) : 0,
      rul_hours: round3(this.rulHours(ts)),
      load: round3(load),
      active_faults: this.activeFaults(ts) as ActiveFault[],
    };
    if (channelCount === 0) {
      truth.dropped = true;
      return { reading: undefined, truth };
    }
    return {
      reading: {
        schema_version: READING_VERSION,
        reading_id: readingId,
        timestamp,
        machine_id: this.machineId,
        machine_type: this.type,
        readings,
        metadata: this.metadata,
      },
      truth,
    };
  }

  /** The measured value after this channel's sensor faults, or undefined when it dropped out. */
  private applySensorFaults(channel: number, measured: number, span: number, ts: number): number | undefined {
    const name = SIMULATOR_CHANNELS[channel];
    let value = measured;
    let stuck: number | undefined;
    let isDropped = false;
    for (const f of this.faults) {
      if (f.channel !== name || ts < f.startMs || ts >= f.endMs) continue;
      const s = faultIntensity(f, ts);
      const state = this.faultState.get(f.id)!;
      switch (f.kind) {
        case 'sensor_drift':
          value += state.direction * 0.2 * span * s;
          break;
        case 'sensor_spikes':
          if (this.faultRng.next() < 0.06 * s) {
            value += (this.faultRng.next() < 0.7 ? 1 : -1) * this.faultRng.uniform(0.2, 0.5) * span;
          }
          break;
        case 'sensor_stuck':
          if (state.stuckValue === undefined) state.stuckValue = measured;
          stuck = state.stuckValue;
          break;
        case 'sensor_dropout':
          if (this.faultRng.next() < s) isDropped = true;
          break;
        default:
          break;
      }
    }
    if (isDropped) return undefined;
    return stuck ?? value;
  }

  private activeFaults(ts: number): readonly ActiveFault[] {
    let list: ActiveFault[] | undefined;
    for (const f of this.faults) {
      if (ts < f.startMs || ts >= f.endMs) continue;
      list ??= [];
      const entry: ActiveFault = {
        fault_id: f.id,
        kind: f.kind,
        component: f.component,
        shape: f.shape,
        started_at: isoTime(f.startMs),
        severity: round3(faultIntensity(f, ts)),
        peak_severity: f.severity,
      };
      if (f.channel !== undefined) entry.channel = f.channel;
      if (f.rootMachineId !== undefined) {
        entry.fault_id = f.rootFaultId!;
        entry.root_machine_id = f.rootMachineId;
      }
      list.push(entry);
    }
    return list ?? NO_FAULTS;
  }
}
