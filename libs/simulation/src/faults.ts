import { SIMULATOR_CHANNELS, type SimulatorChannel, type SimulatorMachineTypeName } from './profiles';

/** The fault scenarios a simulated machine can be given. Sensor faults change what is measured, not the machine. */
export const FAULT_KINDS = [
  'bearing_wear',
  'cavitation',
  'overheating',
  'pressure_leak',
  'electrical_fault',
  'sensor_stuck',
  'sensor_dropout',
  'sensor_spikes',
  'sensor_drift',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * How a fault's intensity grows from its start to full severity over its onset time: at once (`step`), linearly
 * (`ramp`) or slowly first and then faster (`exponential`, like a spreading crack or a spalling bearing).
 */
export const FAULT_SHAPES = ['step', 'ramp', 'exponential'] as const;
export type FaultShape = (typeof FAULT_SHAPES)[number];

export interface FaultKindInfo {
  kind: FaultKind;
  description: string;
  /** True for faults of a sensor (they need a channel), false for faults of the machine. */
  isSensorFault: boolean;
  /** Component recorded in the ground truth when the injection names none. */
  defaultComponent: string;
  /** Machine types the fault applies to; `undefined` means every simulator type. */
  machineTypes?: readonly SimulatorMachineTypeName[];
  /**
   * How much the fault speeds up wear at full severity: the machine ages `1 + wearFactor * intensity` hours per
   * hour. 0 for sensor faults.
   */
  wearFactor: number;
}

export const FAULT_CATALOG: Readonly<Record<FaultKind, FaultKindInfo>> = {
  bearing_wear: {
    kind: 'bearing_wear',
    description:
      'Rolling-element bearing wear: vibration rises first, temperature follows once it is advanced',
    isSensorFault: false,
    defaultComponent: 'bearing',
    wearFactor: 6,
  },
  cavitation: {
    kind: 'cavitation',
    description: 'Pump cavitation: discharge pressure drops and fluctuates, broadband vibration noise',
    isSensorFault: false,
    defaultComponent: 'impeller',
    machineTypes: ['centrifugal-pump'],
    wearFactor: 4,
  },
  overheating: {
    kind: 'overheating',
    description: 'Cooling failure (fouled cooler, failed fan): temperature climbs, slightly more power',
    isSensorFault: false,
    defaultComponent: 'cooling',
    wearFactor: 3,
  },
  pressure_leak: {
    kind: 'pressure_leak',
    description: 'Leaking seal or line: pressure drops; a compressor runs loaded longer to make up for it',
    isSensorFault: false,
    defaultComponent: 'seal',
    wearFactor: 1.5,
  },
  electrical_fault: {
    kind: 'electrical_fault',
    description:
      'Winding or supply fault: power spikes and drops, the motor runs warmer and a little rougher',
    isSensorFault: false,
    defaultComponent: 'motor',
    wearFactor: 2,
  },
  sensor_stuck: {
    kind: 'sensor_stuck',
    description: 'The sensor repeats the value it had when the fault began',
    isSensorFault: true,
    defaultComponent: 'sensor',
    wearFactor: 0,
  },
  sensor_dropout: {
    kind: 'sensor_dropout',
    description: 'The channel is missing from readings, with probability equal to the intensity',
    isSensorFault: true,
    defaultComponent: 'sensor',
    wearFactor: 0,
  },
  sensor_spikes: {
    kind: 'sensor_spikes',
    description: 'Isolated spikes of 20-50 % of the channel range, more frequent with intensity',
    isSensorFault: true,
    defaultComponent: 'sensor',
    wearFactor: 0,
  },
  sensor_drift: {
    kind: 'sensor_drift',
    description: 'A calibration bias growing to 20 % of the channel range at full intensity',
    isSensorFault: true,
    defaultComponent: 'sensor',
    wearFactor: 0,
  },
};

/** What to inject. Times are epoch milliseconds of simulated time. */
export interface FaultSpec {
  machineId: string;
  kind: FaultKind;
  /** Default `ramp`. */
  shape?: FaultShape;
  /** Peak intensity in (0, 1]; default 1. */
  severity?: number;
  /** When it starts; default the machine's next reading. */
  startMs?: number;
  /** How long it lasts; omitted or `null`: until cleared, or (machine faults) until the machine fails. */
  durationMs?: number | null;
  /** Time to reach full severity (`ramp`, `exponential`); default the duration, or 1 h if open-ended. */
  onsetMs?: number;
  /** Label of the affected component (`bearing`, `drive-end-bearing`...); default per kind. */
  component?: string;
  /** The channel of a sensor fault (required for `sensor_*`). */
  channel?: SimulatorChannel;
  /**
   * Downstream machines (process flow) on which this fault also shows, as a disturbance of what flows in: see
   * {@link PROPAGATING_KINDS}. Their ground truth names this fault, with `root_machine_id` set to this machine.
   */
  propagateTo?: readonly PropagationTarget[];
}

/** A downstream machine a fault shows on, after a delay and attenuated by `gain`. */
export interface PropagationTarget {
  machineId: string;
  /** Time the disturbance takes to reach it; default 0. */
  delayMs?: number;
  /** Share of the root fault's severity that arrives, in (0, 1]; default 0.8. */
  gain?: number;
}

/**
 * The machine faults that travel along the process flow, and what a downstream machine sees of them: a starved,
 * cavitating pump and a leak lower the pressure delivered downstream; a cooling failure heats the medium. Bearing
 * wear and electrical faults stay on their machine (vibration and power do not flow).
 */
export const PROPAGATING_KINDS: Readonly<Partial<Record<FaultKind, 'pressure_loss' | 'heat'>>> = {
  cavitation: 'pressure_loss',
  pressure_leak: 'pressure_loss',
  overheating: 'heat',
};

export type FaultState = 'scheduled' | 'active' | 'ended';

/** An injected fault, as the fleet keeps it. */
export interface Fault {
  readonly id: string;
  readonly machineId: string;
  readonly kind: FaultKind;
  readonly shape: FaultShape;
  readonly severity: number;
  readonly component: string;
  readonly channel: SimulatorChannel | undefined;
  readonly startMs: number;
  readonly onsetMs: number;
  /** Exclusive end; `Infinity` while open-ended. Lowered when the fault is cleared or the machine fails. */
  endMs: number;
  endedReason: 'expired' | 'cleared' | 'failure' | undefined;
  /** Set on the downstream symptom of a propagated fault: the machine and fault it comes from. */
  readonly rootMachineId?: string;
  readonly rootFaultId?: string;
  /** On a downstream symptom: the root fault's own effect at full severity (pressure share lost, or °C). */
  readonly rootEffect?: number;
}

/**
 * What a propagating fault does to its own machine at full severity (mirrors machine.ts): the share of pressure
 * lost, or the temperature rise in °C. A downstream machine sees at most this, scaled by the propagation gain.
 */
export function rootEffectOf(kind: FaultKind, machineType: SimulatorMachineTypeName): number | undefined {
  const isCompressor = machineType === 'compressor';
  if (kind === 'cavitation') return 0.32;
  if (kind === 'pressure_leak') return isCompressor ? 0.05 : 0.45;
  if (kind === 'overheating') return isCompressor ? 55 : 42;
  return undefined;
}

const DEFAULT_OPEN_ONSET_MS = 3_600_000;
// Steepness of the exponential shape: e^5 makes the last fifth of the onset carry most of the growth.
const EXP_K = 5;
const EXP_NORM = Math.exp(EXP_K) - 1;

/** The shape's fraction of full severity at `x` = elapsed / onset, clamped to [0, 1]. */
export function shapeFraction(shape: FaultShape, x: number): number {
  if (x <= 0) return shape === 'step' ? 1 : 0;
  if (x >= 1) return 1;
  if (shape === 'ramp') return x;
  if (shape === 'exponential') return (Math.exp(EXP_K * x) - 1) / EXP_NORM;
  return 1;
}

/** Intensity of a fault at `tMs`: severity x shape inside [start, end), 0 outside. */
export function faultIntensity(fault: Fault, tMs: number): number {
  if (tMs < fault.startMs || tMs >= fault.endMs) return 0;
  const x = fault.onsetMs <= 0 ? 1 : (tMs - fault.startMs) / fault.onsetMs;
  return fault.severity * shapeFraction(fault.shape, x);
}

export function faultState(fault: Fault, tMs: number): FaultState {
  if (tMs < fault.startMs) return 'scheduled';
  return tMs < fault.endMs ? 'active' : 'ended';
}

export function isFaultKind(value: string): value is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(value);
}

/** One problem with a fault spec: the spec field (wire name) and what is wrong. */
export interface FaultSpecProblem {
  path: string;
  message: string;
}

export const COMPONENT_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

/**
 * Checks a spec against the machine it targets and fills in the defaults. Returns the problems (field names as on
 * the wire: `machine_id`, `duration_sec`...) or the resolved fields.
 */
export function resolveFaultSpec(
  spec: FaultSpec,
  machineType: SimulatorMachineTypeName,
  defaultStartMs: number,
): { ok: true; value: Omit<Fault, 'id' | 'endedReason'> } | { ok: false; problems: FaultSpecProblem[] } {
  const problems: FaultSpecProblem[] = [];
  const info = isFaultKind(spec.kind) ? FAULT_CATALOG[spec.kind] : undefined;
  if (info === undefined) {
    problems.push({ path: 'kind', message: `must be one of ${FAULT_KINDS.join(', ')}` });
  } else if (info.machineTypes !== undefined && !info.machineTypes.includes(machineType)) {
    problems.push({
      path: 'kind',
      message: `${spec.kind} applies to ${info.machineTypes.join(', ')}, not to a ${machineType}`,
    });
  }
  const shape = spec.shape ?? 'ramp';
  if (!(FAULT_SHAPES as readonly string[]).includes(shape)) {
    problems.push({ path: 'shape', message: `must be one of ${FAULT_SHAPES.join(', ')}` });
  }
  const severity = spec.severity ?? 1;
  if (!(severity > 0 && severity <= 1)) problems.push({ path: 'severity', message: 'must be in (0, 1]' });
  const durationMs = spec.durationMs ?? null;
  if (durationMs !== null && !(Number.isFinite(durationMs) && durationMs > 0)) {
    problems.push({ path: 'duration_sec', message: 'must be a positive number' });
  }
  if (spec.onsetMs !== undefined && !(Number.isFinite(spec.onsetMs) && spec.onsetMs >= 0)) {
    problems.push({ path: 'onset_sec', message: 'must be a number >= 0' });
  }
  const startMs = spec.startMs ?? defaultStartMs;
  if (!Number.isFinite(startMs)) problems.push({ path: 'start_ms', message: 'must be a finite time' });
  if (info?.isSensorFault) {
    if (spec.channel === undefined) {
      problems.push({ path: 'channel', message: `is required for ${spec.kind}` });
    } else if (!(SIMULATOR_CHANNELS as readonly string[]).includes(spec.channel)) {
      problems.push({ path: 'channel', message: `must be one of ${SIMULATOR_CHANNELS.join(', ')}` });
    }
  } else if (spec.channel !== undefined) {
    problems.push({ path: 'channel', message: 'applies to sensor faults only' });
  }
  if (spec.component !== undefined && !COMPONENT_PATTERN.test(spec.component)) {
    problems.push({
      path: 'component',
      message: 'must be 1-64 lower-case letters, digits, "_", "." or "-", starting with a letter or digit',
    });
  }
  if (spec.propagateTo !== undefined && spec.propagateTo.length > 0) {
    if (info !== undefined && PROPAGATING_KINDS[info.kind] === undefined) {
      problems.push({
        path: 'propagate_to',
        message: `only ${Object.keys(PROPAGATING_KINDS).join(', ')} travel downstream, not ${spec.kind}`,
      });
    }
    spec.propagateTo.forEach((t, i) => {
      if (t.machineId === spec.machineId) {
        problems.push({ path: `propagate_to.${i}.machine_id`, message: 'must be another machine' });
      }
      if (t.delayMs !== undefined && !(Number.isFinite(t.delayMs) && t.delayMs >= 0)) {
        problems.push({ path: `propagate_to.${i}.delay_sec`, message: 'must be a number >= 0' });
      }
      if (t.gain !== undefined && !(t.gain > 0 && t.gain <= 1)) {
        problems.push({ path: `propagate_to.${i}.gain`, message: 'must be in (0, 1]' });
      }
    });
  }
  if (problems.length > 0 || info === undefined) return { ok: false, problems };
  const component = spec.component ?? (info.isSensorFault ? `${spec.channel}-sensor` : info.defaultComponent);
  const onsetMs = shape === 'step' ? 0 : (spec.onsetMs ?? durationMs ?? DEFAULT_OPEN_ONSET_MS);
  return {
    ok: true,
    value: {
      machineId: spec.machineId,
      kind: info.kind,
      shape,
      severity,
      component,
      channel: info.isSensorFault ? spec.channel : undefined,
      startMs,
      onsetMs,
      endMs: durationMs === null ? Infinity : startMs + durationMs,
    },
  };
}
