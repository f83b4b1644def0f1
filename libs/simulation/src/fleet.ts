import { AppError, ErrorCode } from '@industrialmind/errors';
import {
  rootEffectOf,
  faultIntensity,
  faultState,
  resolveFaultSpec,
  type Fault,
  type FaultSpec,
  type FaultState,
} from './faults';
import { Machine, type MachineStatus, type SimulatedSample } from './machine';
import {
  SIMULATOR_MACHINE_TYPE_NAMES,
  isSimulatorMachineType,
  type SimulatorChannel,
  type SimulatorMachineTypeName,
} from './profiles';
import { createRandom, deriveSeed } from './random';

export const MAX_FLEET_SIZE = 10_000;
/** Faults that may be scheduled or active on one machine at once. */
export const MAX_FAULTS_PER_MACHINE = 16;
/** Share of a propagated fault's severity that reaches a downstream machine when the injection names none. */
export const DEFAULT_PROPAGATION_GAIN = 0.8;
/** Ended faults the fleet remembers for `faults()`. */
const FAULT_HISTORY = 1_000;

export interface FleetOptions {
  /** Number of machines, 1-10,000. */
  size: number;
  /** Any integer; taken modulo 2^32. The same seed and options give the same readings. */
  seed: number;
  /** Timestamp (epoch ms) of the first reading. */
  startMs: number;
  /** Time between two readings of one machine; default 1000 ms. Readings of a fleet are spread evenly over it. */
  sampleIntervalMs?: number;
  /** Types to build, assigned round-robin; default the four simulator types. */
  machineTypes?: readonly SimulatorMachineTypeName[];
  /** Mean life of a new machine in operating hours (each draws ±20 %); default 720 (30 days). */
  lifeHours?: number;
  /** Health at the start: a number, or [min, max] drawn per machine; default [0.35, 1]. */
  initialHealth?: number | readonly [number, number];
  /** Downtime of a failed machine before it is repaired as new; default 8 h. `null`: it stays failed. */
  repairHours?: number | null;
  /** Offset of the plants' local time from UTC, for shifts and the daily temperature cycle; default 0. */
  utcOffsetHours?: number;
  /** Plant layout for metadata: machines per line (default 6) and lines per plant (default 4). */
  machinesPerLine?: number;
  linesPerPlant?: number;
  /** Extra input to reading ids, for two runs that must not share ids despite the same seed and start. */
  runId?: string;
}

export type ResolvedFleetOptions = Required<Omit<FleetOptions, 'repairHours' | 'runId' | 'initialHealth'>> & {
  repairHours: number | null;
  runId: string | undefined;
  initialHealth: readonly [number, number];
};

/** Where a machine is and what it is: fixed for the fleet's life. */
export interface MachineInfo {
  machineId: string;
  machineType: SimulatorMachineTypeName;
  plant: string;
  line: string;
  location: string;
}

/** A machine's condition now. */
export interface MachineSnapshot extends MachineInfo {
  status: MachineStatus;
  health: number;
  rulHours: number;
  load: number;
  /** Readings produced so far. */
  readings: number;
  /** Timestamp of the last reading, if any. */
  lastTimestampMs: number | undefined;
  activeFaults: number;
}

/** A fault as reported by {@link Fleet.faults}. */
export interface FaultInfo {
  id: string;
  machineId: string;
  kind: Fault['kind'];
  shape: Fault['shape'];
  severity: number;
  component: string;
  channel: SimulatorChannel | undefined;
  startMs: number;
  onsetMs: number;
  /** `null` while open-ended. */
  endMs: number | null;
  state: FaultState;
  /** Intensity at the machine's current time. */
  intensity: number;
  endedReason: Fault['endedReason'];
  /** On the downstream symptom of a propagated fault: the machine the fault is on. */
  rootMachineId?: string;
}

export interface FaultFilter {
  machineId?: string;
  state?: FaultState;
}

/**
 * A deterministic fleet of simulated machines. Readings come out in time order, round-robin over the machines,
 * each machine's timestamps strictly increasing; `reading_id` is `sim-<run>-<machine_id>-<seq>`, where `<run>`
 * hashes the seed, start time and run id.
 */
export interface Fleet {
  readonly options: ResolvedFleetOptions;
  readonly size: number;
  readonly machines: readonly MachineInfo[];
  /** Per-machine interval between readings now (ms). */
  readonly sampleIntervalMs: number;
  /** Changes the interval from each machine's next reading on (the real-time runner's rate). */
  setSampleInterval(ms: number): void;
  /** Timestamp of the reading {@link next} returns next. */
  peekTimestampMs(): number;
  next(): SimulatedSample;
  generate(count: number): SimulatedSample[];
  /** Every reading due at or before `untilMs`, at most `max` of them. */
  generateUntil(untilMs: number, max?: number): SimulatedSample[];
  /** Moves machines that are behind to `tMs` without producing the readings in between (a pause). */
  skipTo(tMs: number): void;
  /** Validates and schedules a fault; throws AppError VALIDATION_FAILED with `details: [{ path, message }]`. */
  injectFault(spec: FaultSpec): FaultInfo;
  /** Ends a fault at the machine's next reading; throws AppError NOT_FOUND for an unknown id. */
  clearFault(faultId: string): FaultInfo;
  faults(filter?: FaultFilter): FaultInfo[];
  machine(machineId: string): MachineSnapshot | undefined;
  snapshot(): MachineSnapshot[];
}

function check(condition: boolean, path: string, message: string): void {
  if (!condition) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, `invalid fleet options: ${path} ${message}`, {
      details: [{ path, message }],
    });
  }
}

function resolveOptions(options: FleetOptions): ResolvedFleetOptions {
  check(
    Number.isInteger(options.size) && options.size >= 1 && options.size <= MAX_FLEET_SIZE,
    'size',
    `must be an integer from 1 to ${MAX_FLEET_SIZE}`,
  );
  check(Number.isInteger(options.seed), 'seed', 'must be an integer');
  check(Number.isFinite(options.startMs), 'start_ms', 'must be a finite time');
  const sampleIntervalMs = options.sampleIntervalMs ?? 1000;
  check(Number.isFinite(sampleIntervalMs) && sampleIntervalMs >= 1, 'sample_interval_ms', 'must be >= 1');
  const machineTypes = options.machineTypes ?? SIMULATOR_MACHINE_TYPE_NAMES;
  check(
    machineTypes.length > 0 && machineTypes.every(isSimulatorMachineType),
    'machine_types',
    `must list some of ${SIMULATOR_MACHINE_TYPE_NAMES.join(', ')}`,
  );
  const lifeHours = options.lifeHours ?? 720;
  check(Number.isFinite(lifeHours) && lifeHours > 0, 'life_hours', 'must be a positive number');
  const health = options.initialHealth ?? [0.35, 1];
  const initialHealth: readonly [number, number] = typeof health === 'number' ? [health, health] : health;
  check(
    initialHealth[0] > 0 && initialHealth[0] <= initialHealth[1] && initialHealth[1] <= 1,
    'initial_health',
    'must be in (0, 1] (a range must have min <= max)',
  );
  const repairHours = options.repairHours === undefined ? 8 : options.repairHours;
  check(
    repairHours === null || (Number.isFinite(repairHours) && repairHours >= 0),
    'repair_hours',
    'must be a number >= 0 or null',
  );
  const machinesPerLine = options.machinesPerLine ?? 6;
  const linesPerPlant = options.linesPerPlant ?? 4;
  check(Number.isInteger(machinesPerLine) && machinesPerLine >= 1, 'machines_per_line', 'must be >= 1');
  check(Number.isInteger(linesPerPlant) && linesPerPlant >= 1, 'lines_per_plant', 'must be >= 1');
  return {
    size: options.size,
    seed: options.seed,
    startMs: options.startMs,
    sampleIntervalMs,
    machineTypes,
    lifeHours,
    initialHealth,
    repairHours,
    utcOffsetHours: options.utcOffsetHours ?? 0,
    machinesPerLine,
    linesPerPlant,
    runId: options.runId,
  };
}

/** A fault as seen from the machine's present: the time of its next reading. */
function toFaultInfo(fault: Fault, machine: Machine): FaultInfo {
  const now = Math.floor(machine.nextTimestampMs);
  const state = faultState(fault, now);
  return {
    id: fault.id,
    machineId: fault.machineId,
    kind: fault.kind,
    shape: fault.shape,
    severity: fault.severity,
    component: fault.component,
    channel: fault.channel,
    startMs: fault.startMs,
    onsetMs: fault.onsetMs,
    endMs: Number.isFinite(fault.endMs) ? fault.endMs : null,
    state,
    intensity: Math.round(faultIntensity(fault, now) * 1000) / 1000,
    endedReason: fault.endedReason ?? (state === 'ended' ? 'expired' : undefined),
    ...(fault.rootMachineId === undefined ? {} : { rootMachineId: fault.rootMachineId }),
  };
}

/** Builds a fleet; throws AppError VALIDATION_FAILED for bad options. */
export function createFleet(options: FleetOptions): Fleet {
  const resolved = resolveOptions(options);
  const { size, seed, startMs, machineTypes } = resolved;
  const runTag = deriveSeed(seed, startMs, resolved.runId ?? '').toString(36);
  const readingIdPrefix = `sim-${runTag}`;
  const healthDraw = createRandom(deriveSeed(seed, 'initial-health'));
  const width = Math.max(3, String(Math.ceil(size / machineTypes.length)).length);
  const perType = new Map<string, number>();
  const perPlant = resolved.machinesPerLine * resolved.linesPerPlant;
  const machines: Machine[] = [];
  const infos: MachineInfo[] = [];
  let intervalMs = resolved.sampleIntervalMs;
  for (let i = 0; i < size; i++) {
    const type = machineTypes[i % machineTypes.length]!;
    const n = (perType.get(type) ?? 0) + 1;
    perType.set(type, n);
    const info: MachineInfo = {
      machineId: `${type}-${String(n).padStart(width, '0')}`,
      machineType: type,
      plant: `plant-${Math.floor(i / perPlant) + 1}`,
      line: `line-${(Math.floor(i / resolved.machinesPerLine) % resolved.linesPerPlant) + 1}`,
      location: `bay ${(i % resolved.machinesPerLine) + 1}`,
    };
    infos.push(Object.freeze(info));
    const [lo, hi] = resolved.initialHealth;
    machines.push(
      new Machine({
        index: i,
        machineId: info.machineId,
        type,
        seed,
        readingIdPrefix,
        metadata: Object.freeze({ plant: info.plant, line: info.line, location: info.location }),
        lifeHours: resolved.lifeHours,
        initialHealth: lo + (hi - lo) * healthDraw.next(),
        repairHours: resolved.repairHours ?? Infinity,
        utcOffsetHours: resolved.utcOffsetHours,
        // Spread the fleet over one interval, so readings arrive evenly rather than in bursts.
        firstTimestampMs: startMs + (i * intervalMs) / size,
      }),
    );
  }
  const byId = new Map(machines.map((m) => [m.machineId, m]));
  const history: Array<{ fault: Fault; machine: Machine }> = [];
  let cursor = 0;
  let faultSeq = 0;
  // Where the current round-robin spread of first readings starts: the start, or the last skip.
  let anchorMs = startMs;

  const prune = (machine: Machine): void => {
    const now = machine.lastTimestampMs;
    for (let i = machine.faults.length - 1; i >= 0; i--) {
      const f = machine.faults[i]!;
      if (f.endMs <= now) {
        if (f.endedReason === undefined) f.endedReason = 'expired';
        machine.faults.splice(i, 1);
      }
    }
  };

  const next = (): SimulatedSample => {
    const machine = machines[cursor]!;
    cursor = cursor + 1 === size ? 0 : cursor + 1;
    const sample = machine.sample(intervalMs);
    if (machine.faults.length > 0) prune(machine);
    return sample;
  };

  const fleet: Fleet = {
    options: resolved,
    size,
    machines: infos,
    get sampleIntervalMs() {
      return intervalMs;
    },
    setSampleInterval(ms) {
      check(Number.isFinite(ms) && ms >= 1, 'sample_interval_ms', 'must be >= 1');
      machines.forEach((m, i) => {
        // A machine that has not sampled yet is re-spread over the new interval, so the first round is as even
        // as the later ones.
        m.nextTimestampMs =
          m.lastTimestampMs === -Infinity || m.lastTimestampMs < anchorMs
            ? anchorMs + (i * ms) / size
            : m.lastTimestampMs + ms;
      });
      intervalMs = ms;
    },
    peekTimestampMs: () => Math.floor(machines[cursor]!.nextTimestampMs),
    next,
    generate(count) {
      const out: SimulatedSample[] = new Array<SimulatedSample>(count);
      for (let i = 0; i < count; i++) out[i] = next();
      return out;
    },
    generateUntil(untilMs, max = Infinity) {
      const out: SimulatedSample[] = [];
      while (out.length < max && Math.floor(machines[cursor]!.nextTimestampMs) <= untilMs) out.push(next());
      return out;
    },
    skipTo(tMs) {
      anchorMs = Math.max(anchorMs, tMs);
      machines.forEach((m, i) => {
        if (m.nextTimestampMs < tMs) m.nextTimestampMs = tMs + (i * intervalMs) / size;
      });
      // Restart the round-robin at the first machine so time order holds after the jump.
      cursor = 0;
    },
    injectFault(spec) {
      const machine = byId.get(spec.machineId);
      if (machine === undefined) {
        const message = `no machine "${spec.machineId}" in the fleet (e.g. ${infos[0]!.machineId})`;
        throw new AppError(ErrorCode.VALIDATION_FAILED, `invalid fault: machine_id ${message}`, {
          details: [{ path: 'machine_id', message }],
        });
      }
      const resolvedSpec = resolveFaultSpec(spec, machine.type, Math.floor(machine.nextTimestampMs));
      if (!resolvedSpec.ok) {
        throw new AppError(
          ErrorCode.VALIDATION_FAILED,
          `invalid fault: ${resolvedSpec.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
          { details: resolvedSpec.problems },
        );
      }
      if (machine.faults.length >= MAX_FAULTS_PER_MACHINE) {
        const message = `already has ${MAX_FAULTS_PER_MACHINE} scheduled or active faults; clear one first`;
        throw new AppError(ErrorCode.CONFLICT, `machine ${machine.machineId} ${message}`, {
          details: [{ path: 'machine_id', message }],
        });
      }
      const targets = (spec.propagateTo ?? []).map((t, i) => {
        const target = byId.get(t.machineId);
        if (target === undefined) {
          const message = `no machine "${t.machineId}" in the fleet`;
          throw new AppError(
            ErrorCode.VALIDATION_FAILED,
            `invalid fault: propagate_to.${i}.machine_id ${message}`,
            {
              details: [{ path: `propagate_to.${i}.machine_id`, message }],
            },
          );
        }
        if (target.faults.length >= MAX_FAULTS_PER_MACHINE) {
          const message = `already has ${MAX_FAULTS_PER_MACHINE} scheduled or active faults; clear one first`;
          throw new AppError(ErrorCode.CONFLICT, `machine ${target.machineId} ${message}`, {
            details: [{ path: `propagate_to.${i}.machine_id`, message }],
          });
        }
        return { target, delayMs: t.delayMs ?? 0, gain: t.gain ?? DEFAULT_PROPAGATION_GAIN };
      });
      faultSeq += 1;
      const fault: Fault = { ...resolvedSpec.value, id: `f-${runTag}-${faultSeq}`, endedReason: undefined };
      const record = (f: Fault, m: Machine): void => {
        m.addFault(f);
        m.recomputeFailure(Math.max(Math.floor(m.nextTimestampMs), m.lastTimestampMs));
        history.push({ fault: f, machine: m });
        if (history.length > FAULT_HISTORY) {
          const i = history.findIndex(
            (h) => Number.isFinite(h.fault.endMs) && h.fault.endMs <= h.machine.lastTimestampMs,
          );
          history.splice(i >= 0 ? i : 0, 1);
        }
      };
      record(fault, machine);
      for (const { target, delayMs, gain } of targets) {
        record(
          {
            ...fault,
            id: `${fault.id}@${target.machineId}`,
            machineId: target.machineId,
            severity: fault.severity * gain,
            startMs: fault.startMs + delayMs,
            endMs: fault.endMs + delayMs,
            rootMachineId: machine.machineId,
            rootFaultId: fault.id,
            rootEffect: rootEffectOf(fault.kind, machine.type) ?? 0,
          },
          target,
        );
      }
      return toFaultInfo(fault, machine);
    },
    clearFault(faultId) {
      const entry = history.find((h) => h.fault.id === faultId);
      if (entry === undefined) throw new AppError(ErrorCode.NOT_FOUND, `no fault "${faultId}"`);
      const end = (fault: Fault, machine: Machine): void => {
        const at = Math.floor(machine.nextTimestampMs);
        if (fault.endMs > at) {
          fault.endMs = Math.max(fault.startMs, at);
          fault.endedReason = 'cleared';
          machine.recomputeFailure(at);
        }
      };
      end(entry.fault, entry.machine);
      // Clearing a root fault also ends its downstream symptoms.
      for (const h of history) if (h.fault.rootFaultId === faultId) end(h.fault, h.machine);
      return toFaultInfo(entry.fault, entry.machine);
    },
    faults(filter = {}) {
      return history
        .filter((h) => filter.machineId === undefined || h.fault.machineId === filter.machineId)
        .map((h) => toFaultInfo(h.fault, h.machine))
        .filter((f) => filter.state === undefined || f.state === filter.state);
    },
    machine(machineId) {
      const m = byId.get(machineId);
      return m === undefined ? undefined : snapshotOf(m, infos[m.index]!);
    },
    snapshot: () => machines.map((m) => snapshotOf(m, infos[m.index]!)),
  };
  return fleet;
}

function snapshotOf(m: Machine, info: MachineInfo): MachineSnapshot {
  const now = m.lastTimestampMs === -Infinity ? m.nextTimestampMs : m.lastTimestampMs;
  return {
    ...info,
    status: m.status,
    health: Math.round(m.health * 1000) / 1000,
    rulHours: Math.round(m.rulHours(now) * 1000) / 1000,
    load: Math.round(m.load * 1000) / 1000,
    readings: m.seq,
    lastTimestampMs: m.lastTimestampMs === -Infinity ? undefined : m.lastTimestampMs,
    activeFaults: m.faults.filter((f) => faultState(f, now) === 'active').length,
  };
}
